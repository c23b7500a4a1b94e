//! The one way the UI talks to the desk: a typed call per command.

use branchdesk_api::{ApiError, Command, ErrorCode};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, ApiError> {
    let text = serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| ApiError::internal("could not encode the request"))
}

fn js_text(value: &JsValue) -> String {
    if value.is_undefined() {
        return "null".into();
    }
    js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "null".into())
}

/// Calls command `C` with `input` and decodes its answer or its error.
pub async fn call<C: Command>(input: &C) -> Result<C::Output, ApiError> {
    let args = to_js(&serde_json::json!({ "input": input }))?;
    match tauri_invoke(C::NAME, args).await {
        Ok(v) => serde_json::from_str(&js_text(&v))
            .map_err(|e| ApiError::internal(format!("unexpected answer from {}: {e}", C::NAME))),
        Err(e) => Err(serde_json::from_str::<ApiError>(&js_text(&e)).unwrap_or_else(|_| {
            ApiError::new(
                ErrorCode::Internal,
                e.as_string().unwrap_or_else(|| format!("{} failed: {}", C::NAME, js_text(&e))),
            )
        })),
    }
}
