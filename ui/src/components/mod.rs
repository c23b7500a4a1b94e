pub mod concession;
pub mod csv_import;
pub mod field;
pub mod frame;
pub mod palette;
pub mod session;
pub mod status_bar;
