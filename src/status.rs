//! The engine's verdict on one line. A leaf module: the rule-pack format (golden examples
//! expect a status) and the report both use it, so neither imports the other.

/// What the policy text says a line is due, before the report refines it into a
/// [`crate::report::Disposition`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all(serialize = "snake_case"))]
pub enum Status {
    /// A definite amount (a minimum, a fixed sum or an officer's offer) is due.
    Granted,
    /// Only a ceiling is stated (最高N): the amount is set on review.
    CeilingOnly,
    /// Eligible; no amount is stated (case by case, a tax rule, or support in kind).
    Unquantified,
    /// Same subject, project, year and kind as a higher line: not paid.
    Superseded,
    Ineligible,
    /// The rule does not apply in this year (not yet in force, expired or repealed).
    NotInForce,
}

impl Status {
    /// The id used in the JSON contract.
    pub fn key(self) -> &'static str {
        match self {
            Status::Granted => "granted",
            Status::CeilingOnly => "ceiling_only",
            Status::Unquantified => "unquantified",
            Status::Superseded => "superseded",
            Status::Ineligible => "ineligible",
            Status::NotInForce => "not_in_force",
        }
    }

    /// Lines that carry an amount or a ceiling.
    pub fn pays(self) -> bool {
        matches!(self, Status::Granted | Status::CeilingOnly)
    }

    /// Lines the project is eligible for this year (paying or not).
    pub fn eligible(self) -> bool {
        matches!(
            self,
            Status::Granted | Status::CeilingOnly | Status::Unquantified
        )
    }
}
