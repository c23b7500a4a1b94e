//! CSV imports, templates and exports.

use branchdesk_api::commands::imports::*;

actor_commands! {
    import_csv(ImportCsv),
    save_csv_template(SaveCsvTemplate),
    export_csv(ExportCsv),
}
