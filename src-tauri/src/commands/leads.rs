//! Enquiries and admission.

use branchdesk_api::commands::leads::*;

actor_commands! {
    save_lead(SaveLead),
    list_leads(ListLeads),
    get_lead(GetLead),
    log_lead_activity(LogLeadActivity),
    convert_lead(ConvertLead),
}
