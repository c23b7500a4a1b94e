//! "Already a guardian: Sunita Rao (mother of Asha Rao) — Use this
//! guardian": the branch's guardians with the phone being typed, offered
//! so that siblings share one guardian.

use crate::invoke::call;
use branchdesk_api::commands::students::{FindGuardians, GuardianMatch};
use branchdesk_api::ids::{BranchId, GuardianId};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct GuardianOfferProps {
    pub branch_id: BranchId,
    /// The guardian phone as typed.
    pub phone: AttrValue,
    /// The guardian chosen from the offer, if any.
    pub chosen: Option<GuardianId>,
    pub on_choose: Callback<GuardianMatch>,
}

/// "Sunita Rao (mother of Asha Rao, mother of Ravi Rao)".
fn described(g: &GuardianMatch) -> String {
    let children: Vec<String> =
        g.children.iter().map(|c| format!("{} of {}", c.relation.to_lowercase(), c.full_name)).collect();
    if children.is_empty() {
        g.full_name.clone()
    } else {
        format!("{} ({})", g.full_name, children.join(", "))
    }
}

#[component]
pub fn GuardianOffer(p: &GuardianOfferProps) -> Html {
    // The answer with the phone it answers, so a late answer for an
    // earlier keystroke is never shown.
    let found = use_state(|| (String::new(), Vec::<GuardianMatch>::new()));
    {
        let found = found.clone();
        use_effect_with((p.phone.to_string(), p.branch_id), move |(phone, branch)| {
            if phone.chars().filter(char::is_ascii_digit).count() >= 7 {
                let input = FindGuardians { branch_id: *branch, phone: phone.clone() };
                let phone = phone.clone();
                spawn_local(async move {
                    if let Ok(list) = call(&input).await {
                        found.set((phone, list));
                    }
                });
            } else {
                found.set((phone.clone(), Vec::new()));
            }
        });
    }
    let (phone, list) = &*found;
    if phone.as_str() != p.phone.as_str() || list.is_empty() {
        return html! {};
    }
    html! {
        <div class="notice" id="guardian-offer" role="status">
            { for list.iter().map(|g| if p.chosen == Some(g.id) {
                html! { <div class="guardian-chosen" id="guardian-chosen">{ format!("Using {}", described(g)) }</div> }
            } else {
                let (choose, g2) = (p.on_choose.clone(), g.clone());
                html! {
                    <div class="guardian-match">
                        { format!("Already a guardian: {} — ", described(g)) }
                        <button type="button" class="link use-guardian" onclick={Callback::from(move |_: MouseEvent| choose.emit(g2.clone()))}>{ "Use this guardian" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
