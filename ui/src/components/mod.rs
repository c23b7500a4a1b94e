pub mod csv_import;
pub mod document;
pub mod field;
pub mod frame;
pub mod guardian_offer;
pub mod palette;
pub mod session;
pub mod status_bar;
