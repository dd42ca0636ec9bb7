//! Renderers: each turns a `Report` into one medium and computes nothing itself.

mod blocks;
pub mod csv;
pub mod json;
pub mod pdf;
mod table;
pub mod text;
pub mod xlsx;
