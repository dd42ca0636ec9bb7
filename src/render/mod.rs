//! Renderers: each turns a `Report` into one medium and computes nothing itself.

pub mod json;
pub mod pdf;
pub mod text;
