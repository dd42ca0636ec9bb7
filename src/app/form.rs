//! Placeholder of the project form (replaced by the generated form).

use crate::inputs::InputCatalog;
use crate::lang::Lang;
use crate::project::ProjectFile;

#[derive(Default)]
pub struct FormState {
    pub search: String,
    pub project: usize,
}

impl FormState {
    pub fn reset(&mut self) {}
    pub fn focus_search(&mut self) {}
}

pub fn form_ui(
    ui: &mut egui::Ui,
    _state: &mut FormState,
    project: &mut ProjectFile,
    _catalog: &InputCatalog,
    _lang: Lang,
) -> bool {
    ui.label(&project.subject.name);
    false
}
