use super::Reply;
use crate::AppState;
use branchdesk_api::commands::session::*;
use tauri::State;

#[tauri::command(async)]
pub fn login(state: State<'_, AppState>, input: Login) -> Reply<Login> {
    let (token, me) = state.public(|desk, _| desk.login(input))?;
    state.set_token(Some(token));
    Ok(me)
}

#[tauri::command(async)]
pub fn login_with_code(state: State<'_, AppState>, input: LoginWithCode) -> Reply<LoginWithCode> {
    let (token, me) = state.public(|desk, _| desk.login_with_code(input))?;
    state.set_token(Some(token));
    Ok(me)
}

#[tauri::command(async)]
pub fn logout(state: State<'_, AppState>, input: Logout) -> Reply<Logout> {
    let _ = input;
    state.public(|desk, token| token.map(|t| desk.logout(t)).transpose())?;
    state.set_token(None);
    Ok(())
}

#[tauri::command(async)]
pub fn get_me(state: State<'_, AppState>, input: GetMe) -> Reply<GetMe> {
    let _ = input;
    state.session(|desk, token| desk.me(token))
}
