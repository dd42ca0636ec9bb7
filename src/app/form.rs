//! The project form: every input of the catalogue, in its section, with its label, unit,
//! help and default, edited in place and typed on every keystroke.
//!
//! The form never holds a value the catalogue would refuse: text that does not parse is
//! kept in the field with its reason beside it, and the project keeps its last valid
//! value. An empty field clears the value back to its default.

use std::collections::HashMap;

use eframe::egui::{
    self, Align, CollapsingHeader, ComboBox, Grid, Id, Key, KeyboardShortcut, Label, Layout,
    Modifiers, Response, RichText, ScrollArea, TextEdit, TextStyle, TextWrapMode, Ui, WidgetText,
};
use rust_decimal::Decimal;

use crate::inputs::{
    in_year, typed_date, typed_text, DatedAmount, InputCatalog, Value, ValueError,
};
use crate::lang::Lang;
use crate::messages::t;
use crate::money::parse_written;
use crate::pack::{InputDecl, InputKind, Scope, Unit};
use crate::project::{At, ProjectFile};

/// Where a value is edited: the firm, a firm-year, a project (by index), a project-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Subject,
    SubjectYear(u16),
    Project(usize),
    ProjectYear(usize, u16),
}

impl Place {
    /// The place a year's row belongs to (a firm-year row to the firm, a project-year row
    /// to its project): unit choices are made once per row.
    fn row(self) -> Place {
        match self {
            Place::SubjectYear(_) => Place::Subject,
            Place::ProjectYear(i, _) => Place::Project(i),
            p => p,
        }
    }

    fn is_project(self) -> bool {
        matches!(self, Place::Project(_) | Place::ProjectYear(..))
    }
}

/// The text of one field as typed, the value it stands for, and why it does not parse.
#[derive(Clone, Debug, Default)]
struct Field {
    text: String,
    /// The project's value this text agrees with; when the project's value changes under
    /// the field (cleared, a file opened), the text is made again.
    shown: Option<Value>,
    error: Option<String>,
}

/// The rows of a dated input at one place as typed (date, amount), the entries they stand
/// for, and why they do not parse.
#[derive(Clone, Debug, Default)]
struct DatedRows {
    rows: Vec<(String, String)>,
    /// The project's entries these rows agree with; when the project's entries change
    /// under the rows (cleared, a file opened), the rows are made again.
    shown: Option<Vec<DatedAmount>>,
    error: Option<String>,
}

/// The form's own state: the search, the selected project, and per-field buffers.
#[derive(Default)]
pub struct FormState {
    pub search: String,
    /// Index of the project shown, into `ProjectFile::projects`.
    pub project: usize,
    fields: HashMap<(Place, usize), Field>,
    /// The rows of dated inputs given (or being given) by date.
    dated: HashMap<(Place, usize), DatedRows>,
    /// Whether a row's amounts are written in 万 (万元, 万美元), by (row place, slot).
    wan: HashMap<(Place, usize), bool>,
    focus_search: bool,
    firm_year: String,
    firm_year_error: Option<String>,
    project_year: String,
    project_year_error: Option<String>,
    /// The project id being edited and the id it was started from.
    rename: String,
    rename_of: Option<String>,
    project_error: Option<String>,
}

impl FormState {
    /// Forget the text buffers (after a file is opened or a project replaced).
    pub fn reset(&mut self) {
        let search = std::mem::take(&mut self.search);
        let project = self.project;
        *self = FormState {
            search,
            project,
            ..FormState::default()
        };
    }

    /// Makes the next frame put the keyboard focus in the search box.
    pub fn focus_search(&mut self) {
        self.focus_search = true;
    }

    /// The buffers of projects are by index: after a project is added or removed they
    /// are made again from the project file.
    fn forget_projects(&mut self) {
        self.fields.retain(|(p, _), _| !p.is_project());
        self.dated.retain(|(p, _), _| !p.is_project());
        self.wan.retain(|(p, _), _| !p.is_project());
        self.rename_of = None;
        self.project_error = None;
        self.project_year_error = None;
    }
}

/// What the form is drawn with, unchanged during a frame.
struct Ctx<'a> {
    catalog: &'a InputCatalog,
    lang: Lang,
    filter: Filter,
}

impl Ctx<'_> {
    fn t<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        t(self.lang, zh, en)
    }

    fn label(&self, slot: usize) -> &str {
        self.catalog.decls[slot].label.get(self.lang)
    }
}

/// The search: every word must occur in an input's label or help, in either language.
struct Filter {
    words: Vec<String>,
}

impl Filter {
    fn new(query: &str) -> Filter {
        Filter {
            words: query.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    fn active(&self) -> bool {
        !self.words.is_empty()
    }

    fn matches(&self, decl: &InputDecl) -> bool {
        let texts = [
            decl.label.zh.to_lowercase(),
            decl.label.en.to_lowercase(),
            decl.help.zh.to_lowercase(),
            decl.help.en.to_lowercase(),
        ];
        self.words
            .iter()
            .all(|w| texts.iter().any(|text| text.contains(w.as_str())))
    }
}

/// How a widget is named for screen readers and tests: by the visible label beside it, or
/// by a name of its own (a cell of a year table: "{label} {year}").
struct Name {
    text: String,
    by: Option<Id>,
}

impl Name {
    fn apply(&self, response: Response) -> Response {
        match self.by {
            Some(id) => response.labelled_by(id),
            None => response.accessible_name(self.text.clone()),
        }
    }
}

/// The place's `At`, owning the project id so the file can be changed meanwhile.
struct Target {
    project: Option<String>,
    place: Place,
}

impl Target {
    fn new(place: Place, file: &ProjectFile) -> Option<Target> {
        let project = match place {
            Place::Project(i) | Place::ProjectYear(i, _) => Some(file.projects.get(i)?.id.clone()),
            _ => None,
        };
        Some(Target { project, place })
    }

    fn at(&self) -> At<'_> {
        let project = self.project.as_deref().unwrap_or_default();
        match self.place {
            Place::Subject => At::Subject,
            Place::SubjectYear(year) => At::SubjectYear { year },
            Place::Project(_) => At::Project { project },
            Place::ProjectYear(_, year) => At::ProjectYear { project, year },
        }
    }
}

const LABEL_WIDTH: f32 = 170.0;
const FIELD_WIDTH: f32 = 150.0;
const CELL_WIDTH: f32 = 100.0;

/// Draws the form; returns true when `project` changed (a valid value set or cleared, a
/// project or year added, removed or renamed, the firm's name edited).
pub fn form_ui(
    ui: &mut Ui,
    state: &mut FormState,
    project: &mut ProjectFile,
    catalog: &InputCatalog,
    lang: Lang,
) -> bool {
    let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
    if ui.input_mut(|i| i.consume_shortcut(&find)) {
        state.focus_search();
    }
    search_ui(ui, state, lang);
    ui.separator();
    let ctx = Ctx {
        catalog,
        lang,
        filter: Filter::new(&state.search),
    };
    let mut changed = false;
    ScrollArea::vertical()
        .id_salt("form")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            changed |= firm_ui(ui, state, project, &ctx);
            ui.add_space(8.0);
            changed |= projects_ui(ui, state, project, &ctx);
            if ctx.filter.active() && !catalog.decls.iter().any(|d| ctx.filter.matches(d)) {
                ui.weak(ctx.t("没有匹配的输入项", "No input matches"));
            }
        });
    changed
}

fn search_ui(ui: &mut Ui, state: &mut FormState, lang: Lang) {
    ui.horizontal(|ui| {
        let hint = t(lang, "搜索输入项…", "Search inputs…");
        let response = ui
            .add(
                TextEdit::singleline(&mut state.search)
                    .id_salt("form-search")
                    .hint_text(hint)
                    .desired_width(240.0),
            )
            .accessible_name(hint)
            .on_hover_text(t(
                lang,
                "按名称或说明查找输入项（Ctrl+F）",
                "Find inputs by label or help (Ctrl+F)",
            ));
        if std::mem::take(&mut state.focus_search) {
            response.request_focus();
        }
        if !state.search.is_empty()
            && ui
                .small_button("×")
                .on_hover_text(t(lang, "清除搜索", "Clear the search"))
                .accessible_name(t(lang, "清除搜索", "Clear the search"))
                .clicked()
        {
            state.search.clear();
        }
    });
}

// ---------------------------------------------------------------------------------------
// The firm

fn firm_ui(ui: &mut Ui, state: &mut FormState, file: &mut ProjectFile, ctx: &Ctx) -> bool {
    let mut changed = false;
    ui.heading(ctx.t("企业", "Firm"));
    if !ctx.filter.active() {
        ui.horizontal(|ui| {
            let label = ui.label(ctx.t("企业名称", "Firm name"));
            changed |= ui
                .add(TextEdit::singleline(&mut file.subject.name).desired_width(260.0))
                .labelled_by(label.id)
                .changed();
        });
        changed |= add_year_ui(ui, state, file, ctx, None);
    }
    // A firm's year columns: its own years and its projects' years (a value typed in a
    // column the firm does not have yet adds that year).
    let mut years: Vec<u16> = file.subject.years.keys().map(|y| y.0).collect();
    for p in &file.projects {
        years.extend(p.years.keys().map(|y| y.0));
    }
    years.sort_unstable();
    years.dedup();
    for group in &ctx.catalog.groups {
        changed |= group_ui(ui, state, file, ctx, group, None, &years);
    }
    changed
}

// ---------------------------------------------------------------------------------------
// Projects

fn projects_ui(ui: &mut Ui, state: &mut FormState, file: &mut ProjectFile, ctx: &Ctx) -> bool {
    let mut changed = false;
    ui.heading(ctx.t("项目", "Projects"));
    if !file.projects.is_empty() {
        state.project = state.project.min(file.projects.len() - 1);
    }
    if !ctx.filter.active() {
        changed |= project_bar_ui(ui, state, file, ctx);
    }
    let Some(index) = (state.project < file.projects.len()).then_some(state.project) else {
        ui.weak(ctx.t(
            "尚无项目：点击“新增项目”。",
            "No project yet: click “Add project”.",
        ));
        return changed;
    };
    if !ctx.filter.active() {
        changed |= project_id_ui(ui, state, file, ctx, index);
        changed |= add_year_ui(ui, state, file, ctx, Some(index));
    }
    let years: Vec<u16> = file.projects[index].years.keys().map(|y| y.0).collect();
    for group in &ctx.catalog.groups {
        changed |= group_ui(ui, state, file, ctx, group, Some(index), &years);
    }
    changed
}

/// The project selector with its add and remove buttons.
fn project_bar_ui(ui: &mut Ui, state: &mut FormState, file: &mut ProjectFile, ctx: &Ctx) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let title = |p: &crate::project::Project| match &p.name {
            Some(name) if !name.trim().is_empty() => format!("{} {}", p.id, name),
            _ => p.id.clone(),
        };
        let selected = file
            .projects
            .get(state.project)
            .map(title)
            .unwrap_or_default();
        let before = state.project;
        let combo = ComboBox::from_id_salt("form-project")
            .selected_text(selected)
            .width(160.0)
            .truncate()
            .show_ui(ui, |ui| {
                for (i, p) in file.projects.iter().enumerate() {
                    ui.selectable_value(&mut state.project, i, title(p));
                }
            });
        combo
            .response
            .accessible_name(ctx.t("选择项目", "Choose project"));
        if state.project != before {
            state.rename_of = None;
            state.project_error = None;
        }
        if ui
            .button(ctx.t("新增项目", "Add project"))
            .on_hover_text(ctx.t("新增一个空项目", "Add an empty project"))
            .clicked()
        {
            let id = (1..)
                .map(|n| format!("P{n}"))
                .find(|id| file.project(id).is_none())
                .unwrap_or_default();
            match file.add_project(&id) {
                Ok(_) => {
                    state.forget_projects();
                    state.project = file.projects.len() - 1;
                    changed = true;
                }
                Err(e) => state.project_error = Some(e.message(ctx.lang)),
            }
        }
        let current = file.projects.get(state.project).map(|p| p.id.clone());
        if let Some(id) = current {
            if ui
                .button(ctx.t("删除项目", "Remove project"))
                .on_hover_text(format!(
                    "{} {id}",
                    ctx.t(
                        "删除项目及其全部数据：",
                        "Remove, with all its figures, project"
                    )
                ))
                .clicked()
            {
                match file.remove_project(&id) {
                    Ok(_) => {
                        state.forget_projects();
                        state.project = state.project.min(file.projects.len().saturating_sub(1));
                        changed = true;
                    }
                    Err(e) => state.project_error = Some(e.message(ctx.lang)),
                }
            }
        }
    });
    changed
}

/// The selected project's id (renamed on Enter or when the field loses focus) and name.
fn project_id_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    index: usize,
) -> bool {
    let mut changed = false;
    let id = file.projects[index].id.clone();
    if state.rename_of.as_deref() != Some(id.as_str()) {
        state.rename.clone_from(&id);
        state.rename_of = Some(id.clone());
    }
    ui.horizontal(|ui| {
        let label = ui.label(ctx.t("项目编号", "Project id"));
        let response = ui
            .add(
                TextEdit::singleline(&mut state.rename)
                    .id_salt("form-project-id")
                    .desired_width(80.0),
            )
            .labelled_by(label.id)
            .on_hover_text(ctx.t("修改后按回车确认", "Press Enter to apply a new id"));
        if response.changed() {
            state.project_error = None;
        }
        // Enter ends the edit too (a single-line field gives up focus on Enter).
        if response.lost_focus() {
            let new_id = state.rename.trim().to_owned();
            if new_id.is_empty() {
                state.project_error =
                    Some(ctx.t("项目编号不能为空", "A project needs an id").into());
                state.rename.clone_from(&id);
            } else if new_id != id {
                match file.rename_project(&id, &new_id) {
                    Ok(()) => {
                        state.rename_of = Some(new_id);
                        state.project_error = None;
                        changed = true;
                    }
                    Err(e) => {
                        state.project_error = Some(e.message(ctx.lang));
                        state.rename.clone_from(&id);
                    }
                }
            }
        }
        let label = ui.label(ctx.t("项目名称", "Name"));
        let p = &mut file.projects[index];
        let mut name = p.name.clone().unwrap_or_default();
        if ui
            .add(TextEdit::singleline(&mut name).desired_width(160.0))
            .labelled_by(label.id)
            .changed()
        {
            p.name = (!name.trim().is_empty()).then_some(name);
            changed = true;
        }
    });
    if let Some(e) = &state.project_error {
        error_label(ui, e);
    }
    changed
}

/// A year field and an "add year" button, for the firm (`None`) or a project.
fn add_year_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    project: Option<usize>,
) -> bool {
    let (text, error, name, button) = match project {
        None => (
            &mut state.firm_year,
            &mut state.firm_year_error,
            ctx.t("新增企业年度", "New firm year"),
            ctx.t("添加企业年度", "Add firm year"),
        ),
        Some(_) => (
            &mut state.project_year,
            &mut state.project_year_error,
            ctx.t("新增项目年度", "New project year"),
            ctx.t("添加项目年度", "Add project year"),
        ),
    };
    let id = project
        .and_then(|i| file.projects.get(i))
        .map(|p| p.id.clone());
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.label(ctx.t("年度", "Year"));
        let field = ui
            .add(
                TextEdit::singleline(text)
                    .id_salt(("form-new-year", project.is_some()))
                    .hint_text("2026")
                    .desired_width(56.0),
            )
            .accessible_name(name);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        let clicked = ui
            .button(ctx.t("添加年度", "Add year"))
            .accessible_name(button)
            .clicked();
        if entered || clicked {
            match text.trim().parse::<u16>() {
                Ok(year) => match file.add_year(id.as_deref(), year) {
                    Ok(()) => {
                        *error = None;
                        text.clear();
                        changed = true;
                    }
                    Err(e) => *error = Some(e.message(ctx.lang)),
                },
                Err(_) => {
                    *error = Some(
                        ctx.t(
                            "请填写 2000–2100 之间的年份，例如 2026",
                            "Write a year between 2000 and 2100, such as 2026",
                        )
                        .into(),
                    )
                }
            }
        }
    });
    if let Some(e) = error {
        error_label(ui, e);
    }
    changed
}

// ---------------------------------------------------------------------------------------
// Groups, rows and tables

/// One section of inputs for the firm (`project` is `None`) or a project: its single
/// values, then its yearly values as a table with the years as columns.
fn group_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    group: &crate::pack::InputGroup,
    project: Option<usize>,
    years: &[u16],
) -> bool {
    let (single, yearly) = match project {
        None => (Scope::Subject, Scope::SubjectYear),
        Some(_) => (Scope::Project, Scope::ProjectYear),
    };
    let shown = |scope: Scope| -> Vec<usize> {
        ctx.catalog
            .in_group(&group.id)
            .filter(|&s| {
                let d = &ctx.catalog.decls[s];
                d.scope == scope && (!ctx.filter.active() || ctx.filter.matches(d))
            })
            .collect()
    };
    let singles = shown(single);
    let rows = shown(yearly);
    if singles.is_empty() && rows.is_empty() {
        return false;
    }
    let owner = match project {
        None => Place::Subject,
        Some(i) => Place::Project(i),
    };
    let year_place = |y: u16| match project {
        None => Place::SubjectYear(y),
        Some(i) => Place::ProjectYear(i, y),
    };
    let given = singles
        .iter()
        .any(|&s| value_at(file, ctx, owner, s).is_some())
        || rows.iter().any(|&s| {
            years
                .iter()
                .any(|&y| value_at(file, ctx, year_place(y), s).is_some())
        });
    let searching = ctx.filter.active();
    let mut changed = false;
    // While searching, a header of its own (open) keeps the user's open/closed choices.
    CollapsingHeader::new(group.label.get(ctx.lang))
        .id_salt(("form-group", project.is_some(), &group.id, searching))
        .default_open(given || searching)
        .show(ui, |ui| {
            if !singles.is_empty() {
                changed |= fields_grid_ui(ui, state, file, ctx, owner, &singles);
            }
            if !rows.is_empty() {
                changed |= year_table_ui(ui, state, file, ctx, project, &rows, years, &group.id);
            }
        });
    changed
}

/// Single values: a label on the left, the field (with its unit and clear button) on the
/// right, and the reason under the field when the text does not parse.
fn fields_grid_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    place: Place,
    slots: &[usize],
) -> bool {
    let mut changed = false;
    Grid::new(("form-fields", place, slots.first()))
        .num_columns(2)
        .spacing([8.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for &slot in slots {
                let label = row_label_ui(ui, ctx, slot);
                let name = Name {
                    text: ctx.label(slot).to_owned(),
                    by: Some(label.id),
                };
                ui.vertical(|ui| {
                    ui.horizontal(|ui| {
                        changed |= field_ui(ui, state, file, ctx, place, slot, &name, FIELD_WIDTH);
                        changed |= unit_ui(ui, state, file, ctx, place, slot, &[place]);
                    });
                    if let Some(e) = field_error(state, place, slot) {
                        error_label(ui, &e);
                    }
                });
                ui.end_row();
            }
        });
    changed
}

/// Yearly values: one row per input, one column per year; a year is removed with the ×
/// in its header. Reasons for text that does not parse are listed under the table.
#[allow(clippy::too_many_arguments)]
fn year_table_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    project: Option<usize>,
    rows: &[usize],
    years: &[u16],
    group: &str,
) -> bool {
    let mut changed = false;
    if years.is_empty() {
        ui.weak(ctx.t(
            "按年度填写的项目：请先添加年度。",
            "Figures by year: add a year first.",
        ));
        return false;
    }
    let place = |y: u16| match project {
        None => Place::SubjectYear(y),
        Some(i) => Place::ProjectYear(i, y),
    };
    let owner = match project {
        None => Place::Subject,
        Some(i) => Place::Project(i),
    };
    let places: Vec<Place> = years.iter().map(|&y| place(y)).collect();
    let mut remove: Option<u16> = None;
    ScrollArea::horizontal()
        .id_salt(("form-years", project.is_some(), group))
        .show(ui, |ui| {
            Grid::new(("form-year-grid", project.is_some(), group))
                .spacing([6.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    ui.label("");
                    ui.label("");
                    for &y in years {
                        ui.horizontal(|ui| {
                            ui.strong(y.to_string());
                            if year_removable(file, project, y) {
                                let name = format!("{} {y}", ctx.t("删除年度", "Remove year"));
                                if ui
                                    .small_button("×")
                                    .on_hover_text(ctx.t(
                                        "删除该年度及其全部数据",
                                        "Remove this year and all its figures",
                                    ))
                                    .accessible_name(name)
                                    .clicked()
                                {
                                    remove = Some(y);
                                }
                            }
                        });
                    }
                    ui.end_row();
                    for &slot in rows {
                        row_label_ui(ui, ctx, slot);
                        changed |= unit_ui(ui, state, file, ctx, owner, slot, &places);
                        for (&y, &p) in years.iter().zip(&places) {
                            let name = Name {
                                text: format!("{} {y}", ctx.label(slot)),
                                by: None,
                            };
                            ui.horizontal(|ui| {
                                changed |=
                                    field_ui(ui, state, file, ctx, p, slot, &name, CELL_WIDTH);
                            });
                        }
                        ui.end_row();
                    }
                });
        });
    for &slot in rows {
        for (&y, &p) in years.iter().zip(&places) {
            if let Some(e) = field_error(state, p, slot) {
                error_label(ui, &format!("{} {y}：{e}", ctx.label(slot)));
            }
        }
    }
    if let Some(y) = remove {
        let id = project
            .and_then(|i| file.projects.get(i))
            .map(|p| p.id.clone());
        if file.remove_year(id.as_deref(), y).is_ok() {
            let gone = place(y);
            state.fields.retain(|(p, _), _| *p != gone);
            state.dated.retain(|(p, _), _| *p != gone);
            changed = true;
        }
    }
    changed
}

/// Whether a year column is the firm's or project's own (a firm column shown only because
/// a project has that year has nothing to remove).
fn year_removable(file: &ProjectFile, project: Option<usize>, year: u16) -> bool {
    let y = crate::project::Year(year);
    match project {
        None => file.subject.years.contains_key(&y),
        Some(i) => file
            .projects
            .get(i)
            .is_some_and(|p| p.years.contains_key(&y)),
    }
}

/// An input's label, wrapped to the label column, with its help, range and default on
/// hover.
fn row_label_ui(ui: &mut Ui, ctx: &Ctx, slot: usize) -> Response {
    let decl = &ctx.catalog.decls[slot];
    let mut text = RichText::new(decl.label.get(ctx.lang));
    if decl.required {
        text = text.strong();
    }
    // Laid out first, so the cell is as tall as the wrapped label (grid cells are
    // centred vertically on their row).
    let galley = WidgetText::from(text).into_galley(
        ui,
        Some(TextWrapMode::Wrap),
        LABEL_WIDTH,
        TextStyle::Body,
    );
    let size = egui::vec2(LABEL_WIDTH, galley.size().y);
    ui.allocate_ui_with_layout(size, Layout::top_down(Align::Min), |ui| {
        ui.add(Label::new(galley))
    })
    .inner
    .on_hover_text(hover_text(ctx, slot))
}

fn hover_text(ctx: &Ctx, slot: usize) -> String {
    let decl = &ctx.catalog.decls[slot];
    let mut text = decl.help.get(ctx.lang).to_owned();
    if let Some(range) = range_text(decl, ctx.lang) {
        text.push('\n');
        text.push_str(&range);
    }
    let default = default_text(ctx, slot);
    if !default.is_empty() {
        text.push('\n');
        text.push_str(&default);
    }
    text
}

/// "取值范围：0–1" for a number with limits other than the usual "not negative".
fn range_text(decl: &InputDecl, lang: Lang) -> Option<String> {
    let range = decl.range.as_ref()?;
    let min = range.min.map(|d| d.0.normalize());
    let max = range.max.map(|d| d.0.normalize());
    let span = match (min, max) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) if !a.is_zero() => format!("≥ {a}"),
        (None, Some(b)) => format!("≤ {b}"),
        _ if range.whole => String::new(),
        _ => return None,
    };
    let whole = if range.whole {
        t(lang, "整数", "whole number")
    } else {
        ""
    };
    let sep = if span.is_empty() || whole.is_empty() {
        ""
    } else {
        t(lang, "，", ", ")
    };
    Some(format!(
        "{}{span}{sep}{whole}",
        t(lang, "取值范围：", "Range: ")
    ))
}

/// "默认：否" / "Default: no", or "必填" for a required input without a default.
fn default_text(ctx: &Ctx, slot: usize) -> String {
    let decl = &ctx.catalog.decls[slot];
    match ctx.catalog.defaults.get(slot).copied().flatten() {
        Some(v) => format!(
            "{}{}",
            ctx.t("默认：", "Default: "),
            value_text(decl, v, ctx.lang)
        ),
        None if decl.required => ctx.t("必填", "Required").to_owned(),
        None => String::new(),
    }
}

fn value_text(decl: &InputDecl, value: Value, lang: Lang) -> String {
    match (value, &decl.kind) {
        (Value::Num(d), InputKind::Number(unit)) => {
            let unit = unit.label(lang);
            if unit.is_empty() {
                d.normalize().to_string()
            } else {
                format!("{} {unit}", d.normalize())
            }
        }
        (Value::Num(d), _) => d.normalize().to_string(),
        (Value::Flag(true), _) => t(lang, "是", "yes").to_owned(),
        (Value::Flag(false), _) => t(lang, "否", "no").to_owned(),
        (Value::Choice(i), InputKind::Choice(options)) => options
            .get(usize::from(i))
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_default(),
        (Value::Choice(i), _) => i.to_string(),
        (Value::Year(y), _) => y.to_string(),
        (Value::Date(d), _) => d.to_string(),
    }
}

/// Why the text at a place does not parse (a field's or a dated input's rows).
fn field_error(state: &FormState, place: Place, slot: usize) -> Option<String> {
    state
        .fields
        .get(&(place, slot))
        .and_then(|f| f.error.clone())
        .or_else(|| {
            state
                .dated
                .get(&(place, slot))
                .and_then(|d| d.error.clone())
        })
}

fn error_label(ui: &mut Ui, text: &str) {
    let color = ui.visuals().error_fg_color;
    ui.add(Label::new(RichText::new(text).color(color)).wrap());
}

// ---------------------------------------------------------------------------------------
// Fields

fn value_at(file: &ProjectFile, ctx: &Ctx, place: Place, slot: usize) -> Option<Value> {
    let target = Target::new(place, file)?;
    file.get(ctx.catalog, target.at(), &ctx.catalog.decls[slot].id)
}

/// The editor of one input at one place, by kind; a × beside a given value clears it.
#[allow(clippy::too_many_arguments)]
fn field_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    place: Place,
    slot: usize,
    name: &Name,
    width: f32,
) -> bool {
    let Some(target) = Target::new(place, file) else {
        return false;
    };
    let decl = &ctx.catalog.decls[slot];
    let given = file.get(ctx.catalog, target.at(), &decl.id);
    let mut changed = match &decl.kind {
        InputKind::Number(_) | InputKind::Year | InputKind::Date => {
            text_field_ui(ui, state, file, ctx, &target, slot, given, name, width)
        }
        InputKind::Dated(_) => dated_ui(ui, state, file, ctx, &target, slot, given, name, width),
        InputKind::Flag => flag_ui(ui, file, ctx, &target, slot, given, name),
        InputKind::Choice(_) => choice_ui(ui, file, ctx, &target, slot, given, name, width),
    };
    if given.is_some() {
        let clear = ctx.t("清除", "Clear");
        if ui
            .small_button("×")
            .on_hover_text(clear)
            .accessible_name(format!("{clear} {}", name.text))
            .clicked()
        {
            if file
                .remove(ctx.catalog, target.at(), &decl.id)
                .is_ok_and(|v| v.is_some())
            {
                changed = true;
            }
            state.fields.remove(&(place, slot));
            state.dated.remove(&(place, slot));
        }
    }
    changed
}

/// A number or a year typed as text; applied on every edit that parses.
#[allow(clippy::too_many_arguments)]
fn text_field_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
    given: Option<Value>,
    name: &Name,
    width: f32,
) -> bool {
    let place = target.place;
    let wan = state
        .wan
        .get(&(place.row(), slot))
        .copied()
        .unwrap_or(false);
    let field = state.fields.entry((place, slot)).or_default();
    if field.shown != given || (field.text.is_empty() && given.is_some()) {
        *field = Field {
            text: given.map(|v| buffer_text(v, wan)).unwrap_or_default(),
            shown: given,
            error: None,
        };
    }
    let color = field.error.is_some().then(|| ui.visuals().error_fg_color);
    let response = ui.add(
        TextEdit::singleline(&mut field.text)
            .id_salt(("form-field", place, slot))
            .hint_text(default_text(ctx, slot))
            .text_color_opt(color)
            .desired_width(width),
    );
    let response = name.apply(response).on_hover_text(hover_text(ctx, slot));
    if response.changed() {
        apply_text(state, file, ctx, target, slot)
    } else {
        false
    }
}

/// Types the field's text and, when it parses, puts it in the project; returns whether
/// the project changed.
fn apply_text(
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
) -> bool {
    let place = target.place;
    let wan = state
        .wan
        .get(&(place.row(), slot))
        .copied()
        .unwrap_or(false);
    let Some(field) = state.fields.get_mut(&(place, slot)) else {
        return false;
    };
    let decl = &ctx.catalog.decls[slot];
    match parse_field(decl, &field.text, wan) {
        Ok(value) => {
            let result = match value {
                Some(v) => file.set_value(ctx.catalog, target.at(), &decl.id, v),
                None => file.remove(ctx.catalog, target.at(), &decl.id).map(|_| ()),
            };
            // Clearing a year that does not exist yet leaves nothing to remove.
            let now = file.get(ctx.catalog, target.at(), &decl.id);
            let changed = now != field.shown;
            match result {
                Ok(()) => field.error = None,
                Err(_) if value.is_none() => field.error = None,
                Err(e) => field.error = Some(e.message(ctx.lang)),
            }
            field.shown = now;
            changed
        }
        Err(e) => {
            field.error = Some(error_text(&e, ctx.label(slot), &field.text, ctx.lang));
            false
        }
    }
}

/// The value a field's text stands for: `None` when empty; a bare number in a row written
/// in 万 gets the row's unit (万元, 万美元), a number with a unit of its own keeps it.
fn parse_field(decl: &InputDecl, text: &str, wan: bool) -> Result<Option<Value>, ValueError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let suffix = match &decl.kind {
        InputKind::Number(unit) | InputKind::Dated(unit) if wan => wan_unit(*unit),
        _ => None,
    };
    let bare = parse_written(text).is_ok_and(|w| w.suffix.is_none());
    match suffix {
        Some(s) if bare => typed_text(decl, &format!("{text}{s}")).map(Some),
        _ => typed_text(decl, text).map(Some),
    }
}

/// The reason a text does not parse, naming the input by its label.
fn error_text(e: &ValueError, label: &str, written: &str, lang: Lang) -> String {
    e.message(label, written.trim(), lang).replace('`', "")
}

/// A value as the field shows it, in the row's unit.
fn buffer_text(value: Value, wan: bool) -> String {
    match value {
        Value::Num(d) if wan => (d / Decimal::from(10_000)).normalize().to_string(),
        Value::Num(d) => d.normalize().to_string(),
        Value::Year(y) => y.to_string(),
        Value::Flag(b) => b.to_string(),
        Value::Choice(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
    }
}

/// An amount as a dated row shows it, in the row's unit.
fn amount_text(amount: Decimal, wan: bool) -> String {
    buffer_text(Value::Num(amount), wan)
}

// ---------------------------------------------------------------------------------------
// Dated inputs

/// A dated input at one place: its undated yearly figure as an ordinary field with a button
/// to give it by date instead, or one row per entry (date, amount, remove) and a button to
/// add a row. The rows are applied whenever all of them parse; otherwise the reason shows
/// and the project keeps its last valid entries.
#[allow(clippy::too_many_arguments)]
fn dated_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
    given: Option<Value>,
    name: &Name,
    width: f32,
) -> bool {
    let place = target.place;
    let decl = &ctx.catalog.decls[slot];
    let wan = state
        .wan
        .get(&(place.row(), slot))
        .copied()
        .unwrap_or(false);
    let entries = file
        .get_dated(ctx.catalog, target.at(), &decl.id)
        .map(<[DatedAmount]>::to_vec);
    let rows = state.dated.entry((place, slot)).or_default();
    if rows.shown != entries {
        *rows = DatedRows {
            rows: entries
                .iter()
                .flatten()
                .map(|e| (e.date.to_string(), amount_text(e.amount, wan)))
                .collect(),
            shown: entries.clone(),
            error: None,
        };
    }
    let by_date = entries.is_some() || !rows.rows.is_empty();
    let mut changed = false;
    ui.vertical(|ui| {
        if !by_date {
            ui.horizontal(|ui| {
                changed |= text_field_ui(ui, state, file, ctx, target, slot, given, name, width);
                let add = format!("{} {}", ctx.t("按日期填写", "By date"), name.text);
                if ui
                    .small_button(ctx.t("按日期", "by date"))
                    .on_hover_text(ctx.t(
                        "按购置或发生日期逐笔填写，只在有效期内的部分计入",
                        "Give the amount entry by entry with its date; a rule in force for part of the year counts only what falls inside",
                    ))
                    .accessible_name(add)
                    .clicked()
                {
                    // The undated figure becomes the first row's amount, to be dated.
                    let first = given
                        .map(|v| buffer_text(v, wan))
                        .unwrap_or_default();
                    let rows = state.dated.entry((place, slot)).or_default();
                    rows.rows.push((String::new(), first));
                    state.fields.remove(&(place, slot));
                }
            });
            return;
        }
        let mut edited = false;
        let mut remove: Option<usize> = None;
        let rows = state.dated.entry((place, slot)).or_default();
        for (i, (date, amount)) in rows.rows.iter_mut().enumerate() {
            let n = i + 1;
            ui.horizontal(|ui| {
                let date_name = match ctx.lang {
                    Lang::Zh => format!("{} 第{n}笔日期", name.text),
                    Lang::En => format!("{} entry {n} date", name.text),
                };
                edited |= ui
                    .add(
                        TextEdit::singleline(date)
                            .id_salt(("form-dated-date", place, slot, i))
                            .hint_text("2024-07-17")
                            .desired_width(82.0),
                    )
                    .accessible_name(date_name)
                    .changed();
                let amount_name = match ctx.lang {
                    Lang::Zh => format!("{} 第{n}笔金额", name.text),
                    Lang::En => format!("{} entry {n} amount", name.text),
                };
                edited |= ui
                    .add(
                        TextEdit::singleline(amount)
                            .id_salt(("form-dated-amount", place, slot, i))
                            .hint_text(ctx.t("金额", "amount"))
                            .desired_width(width.min(90.0)),
                    )
                    .accessible_name(amount_name)
                    .changed();
                let remove_name = match ctx.lang {
                    Lang::Zh => format!("删除 {} 第{n}笔", name.text),
                    Lang::En => format!("Remove {} entry {n}", name.text),
                };
                if ui
                    .small_button("−")
                    .on_hover_text(ctx.t("删除这一笔", "Remove this entry"))
                    .accessible_name(remove_name)
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        }
        let add_name = match ctx.lang {
            Lang::Zh => format!("{} 新增一笔", name.text),
            Lang::En => format!("Add entry {}", name.text),
        };
        if ui
            .small_button(ctx.t("＋ 新增一笔", "+ Add entry"))
            .accessible_name(add_name)
            .clicked()
        {
            rows.rows.push((String::new(), String::new()));
        }
        if let Some(i) = remove {
            rows.rows.remove(i);
            edited = true;
        }
        if let Some(total) = entries.as_deref().and_then(crate::inputs::dated_total) {
            if rows.rows.len() > 1 {
                ui.weak(format!(
                    "{}{}",
                    ctx.t("合计 ", "Total "),
                    amount_text(total, wan)
                ));
            }
        }
        if edited {
            changed |= apply_dated(state, file, ctx, target, slot);
        }
    });
    changed
}

/// Types a dated input's rows at one place and, when every row parses, puts the entries
/// in the project (no row left clears the value); returns whether the project changed.
fn apply_dated(
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
) -> bool {
    let place = target.place;
    let wan = state
        .wan
        .get(&(place.row(), slot))
        .copied()
        .unwrap_or(false);
    let Some(rows) = state.dated.get_mut(&(place, slot)) else {
        return false;
    };
    let decl = &ctx.catalog.decls[slot];
    let year = target.at().year();
    let mut entries = Vec::new();
    for (i, (date, amount)) in rows.rows.iter().enumerate() {
        if date.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let which = match ctx.lang {
            Lang::Zh => format!("第{n}笔"),
            Lang::En => format!("entry {n}"),
        };
        let date = typed_date(date)
            .and_then(|d| in_year(Value::Date(d), year).map(|()| d))
            .map_err(|e| {
                format!(
                    "{which}：{}",
                    error_text(&e, ctx.label(slot), date, ctx.lang)
                )
            });
        let amount = match parse_field(decl, amount, wan) {
            Ok(Some(Value::Num(a))) => Ok(a),
            Ok(_) => Err(format!(
                "{which}：{}",
                ctx.t("请填写金额", "write the amount")
            )),
            Err(e) => Err(format!(
                "{which}：{}",
                error_text(&e, ctx.label(slot), amount, ctx.lang)
            )),
        };
        match (date, amount) {
            (Ok(date), Ok(amount)) => entries.push(DatedAmount { date, amount }),
            (Err(e), _) | (_, Err(e)) => {
                rows.error = Some(e);
                return false;
            }
        }
    }
    let at = target.at();
    let before = file
        .get_dated(ctx.catalog, at, &decl.id)
        .map(<[DatedAmount]>::to_vec);
    // No entry left (every row removed or blank) clears the value, as an empty field does.
    let clear = entries.is_empty();
    let result = if clear {
        file.remove(ctx.catalog, at, &decl.id).map(|_| ())
    } else {
        file.set_dated(ctx.catalog, at, &decl.id, &entries)
    };
    match result {
        // Clearing a year that does not exist yet leaves nothing to remove.
        Ok(()) | Err(_) if clear => rows.error = None,
        Ok(()) => rows.error = None,
        Err(e) => {
            rows.error = Some(e.message(ctx.lang));
            return false;
        }
    }
    let now = file
        .get_dated(ctx.catalog, at, &decl.id)
        .map(<[DatedAmount]>::to_vec);
    rows.shown.clone_from(&now);
    now != before
}

/// The 万 form of a unit, if it has one.
fn wan_unit(unit: Unit) -> Option<&'static str> {
    match unit {
        Unit::Yuan => Some("万元"),
        Unit::Usd => Some("万美元"),
        _ => None,
    }
}

/// The unit beside a number: a choice between the unit and its 万 form (元 / 万元, 美元 /
/// 万美元), or the unit as a label. Changing the unit types the row's fields again.
fn unit_ui(
    ui: &mut Ui,
    state: &mut FormState,
    file: &mut ProjectFile,
    ctx: &Ctx,
    row: Place,
    slot: usize,
    places: &[Place],
) -> bool {
    let decl = &ctx.catalog.decls[slot];
    let (InputKind::Number(unit) | InputKind::Dated(unit)) = decl.kind else {
        ui.label("");
        return false;
    };
    let Some(wan_label) = wan_unit(unit) else {
        let text = match unit {
            Unit::Ratio => ctx.t("比例", "ratio"),
            u => u.label(ctx.lang),
        };
        let response = ui.label(text);
        if unit == Unit::Ratio {
            response.on_hover_text(ctx.t("写成 0.15 或 15%", "Write 0.15 or 15%"));
        }
        return false;
    };
    let base = unit.label(Lang::Zh);
    let key = (row, slot);
    let before = state.wan.get(&key).copied().unwrap_or(false);
    let mut wan = before;
    let combo = ComboBox::from_id_salt(("form-unit", row, slot))
        .selected_text(if wan { wan_label } else { base })
        .width(56.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut wan, false, base);
            ui.selectable_value(&mut wan, true, wan_label);
        });
    combo
        .response
        .accessible_name(format!("{} {}", ctx.label(slot), ctx.t("单位", "unit")));
    if wan == before {
        return false;
    }
    state.wan.insert(key, wan);
    let mut changed = false;
    for &place in places {
        let has_text = state
            .fields
            .get(&(place, slot))
            .is_some_and(|f| !f.text.trim().is_empty());
        let has_rows = state
            .dated
            .get(&(place, slot))
            .is_some_and(|d| !d.rows.is_empty());
        if let Some(target) = Target::new(place, file) {
            if has_rows {
                changed |= apply_dated(state, file, ctx, &target, slot);
            } else if has_text {
                changed |= apply_text(state, file, ctx, &target, slot);
            }
        }
    }
    changed
}

/// A yes/no input: unset shows its default; a click sets the value.
fn flag_ui(
    ui: &mut Ui,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
    given: Option<Value>,
    name: &Name,
) -> bool {
    let decl = &ctx.catalog.decls[slot];
    let default = ctx.catalog.defaults.get(slot).copied().flatten();
    let mut on = matches!(given.or(default), Some(Value::Flag(true)));
    let response = ui.checkbox(&mut on, "");
    let response = name.apply(response).on_hover_text(hover_text(ctx, slot));
    if given.is_none() {
        ui.weak(ctx.t("默认", "default"));
    }
    response.changed()
        && file
            .set_value(ctx.catalog, target.at(), &decl.id, Value::Flag(on))
            .is_ok()
}

/// One of a list: the options' labels, and an entry to go back to the default.
#[allow(clippy::too_many_arguments)]
fn choice_ui(
    ui: &mut Ui,
    file: &mut ProjectFile,
    ctx: &Ctx,
    target: &Target,
    slot: usize,
    given: Option<Value>,
    name: &Name,
    width: f32,
) -> bool {
    let decl = &ctx.catalog.decls[slot];
    let InputKind::Choice(options) = &decl.kind else {
        return false;
    };
    let unset = {
        let d = default_text(ctx, slot);
        if d.is_empty() {
            ctx.t("（未选）", "(none)").to_owned()
        } else {
            format!("（{d}）")
        }
    };
    let selected = match given {
        Some(v) => value_text(decl, v, ctx.lang),
        None => unset.clone(),
    };
    let mut pick: Option<Option<u16>> = None;
    let combo = ComboBox::from_id_salt(("form-choice", target.place, slot))
        .selected_text(selected)
        .width(width)
        .truncate()
        .show_ui(ui, |ui| {
            if ui.selectable_label(given.is_none(), unset).clicked() {
                pick = Some(None);
            }
            for (i, o) in options.iter().enumerate() {
                let i = u16::try_from(i).unwrap_or(u16::MAX);
                let chosen = given == Some(Value::Choice(i));
                if ui.selectable_label(chosen, o.label.get(ctx.lang)).clicked() {
                    pick = Some(Some(i));
                }
            }
        });
    name.apply(combo.response)
        .on_hover_text(hover_text(ctx, slot));
    match pick {
        Some(Some(i)) if given != Some(Value::Choice(i)) => file
            .set_value(ctx.catalog, target.at(), &decl.id, Value::Choice(i))
            .is_ok(),
        Some(None) if given.is_some() => file
            .remove(ctx.catalog, target.at(), &decl.id)
            .is_ok_and(|v| v.is_some()),
        _ => false,
    }
}
