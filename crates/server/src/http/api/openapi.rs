//! The OpenAPI 3.1 description of the REST API, served at `/api/v1/openapi.json`. It is written
//! out here, next to the routes; a test checks that every route in [`super::ROUTES`] is in it.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { Json(document()) }))
}

pub(crate) fn problem_responses(codes: &[u16]) -> Value {
    let mut responses = serde_json::Map::new();
    for code in codes {
        responses.insert(code.to_string(), json!({ "$ref": format!("#/components/responses/Problem{code}") }));
    }
    Value::Object(responses)
}

pub(crate) fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

pub(super) fn ok(status: u16, schema: &str, description: &str) -> Value {
    json!({ status.to_string(): {
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    }})
}

pub(crate) fn path_id(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn paging() -> Vec<Value> {
    vec![
        query("cursor", "The next_cursor of the previous page.", json!({ "type": "string" })),
        query("limit", "Page size, 1 to 200 (default 50).", json!({ "type": "integer", "minimum": 1, "maximum": 200 })),
    ]
}

/// The whole document.
pub fn document() -> Value {
    let mut document = core_document();
    for more in [teamwork_paths(), super::templates::paths(), crate::http::media::paths()] {
        if let (Some(paths), Value::Object(more)) = (document["paths"].as_object_mut(), more) {
            paths.extend(more);
        }
    }
    for more in [teamwork_schemas(), super::templates::schemas()] {
        if let (Some(schemas), Value::Object(more)) = (document["components"]["schemas"].as_object_mut(), more) {
            schemas.extend(more);
        }
    }
    document
}

/// Contacts, conversations, messages and the debugging views.
fn core_document() -> Value {
    let mut conversation_filters = vec![
        query(
            "channel_id",
            "Only conversations with messages on this channel.",
            json!({ "type": "string", "format": "uuid" }),
        ),
        query(
            "status",
            "Only conversations in this status.",
            json!({ "enum": ["open", "pending", "snoozed", "resolved"] }),
        ),
        query("contact_id", "Only this contact's conversation.", json!({ "type": "string", "format": "uuid" })),
        query(
            "updated_since",
            "Only conversations updated at or after this RFC 3339 time.",
            json!({ "type": "string", "format": "date-time" }),
        ),
    ];
    conversation_filters.extend(paging());
    let mut message_params = vec![path_id("conversation_id")];
    message_params.extend(paging());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Switchboard API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Contacts, conversations and messages across every channel of a workspace. Authenticate with a workspace API key as a Bearer token. Errors are application/problem+json."
        },
        "security": [{ "apiKey": [] }],
        "paths": {
            "/api/v1/contacts": {
                "get": { "summary": "List contacts, newest first", "parameters": paging(),
                         "responses": merge(ok(200, "ContactPage", "A page of contacts"), problem_responses(&[400, 401])) },
                "post": { "summary": "Create a contact with identities", "requestBody": body("NewContact"),
                          "responses": merge(ok(201, "Contact", "The contact"), problem_responses(&[401, 409, 422])) }
            },
            "/api/v1/contacts/{contact_id}": {
                "get": { "summary": "Get a contact", "parameters": [path_id("contact_id")],
                         "responses": merge(ok(200, "Contact", "The contact"), problem_responses(&[401, 404])) },
                "patch": { "summary": "Change a contact's name or channel preference (fields left out stay; null clears)",
                           "parameters": [path_id("contact_id")], "requestBody": body("ContactUpdate"),
                           "responses": merge(ok(200, "Contact", "The contact"), problem_responses(&[401, 404, 422])) }
            },
            "/api/v1/contacts/{contact_id}/merge": {
                "post": { "summary": "Merge another contact (the same person) into this one; the other is deleted",
                          "parameters": [path_id("contact_id")], "requestBody": body("ContactMerge"),
                          "responses": merge(ok(200, "Contact", "The merged contact"), problem_responses(&[401, 404, 409])) }
            },
            "/api/v1/contacts/{contact_id}/telegram-link": {
                "get": { "summary": "A t.me link that opens a chat with a Telegram channel's bot as this contact",
                         "parameters": [path_id("contact_id"),
                                        { "name": "channel_id", "in": "query", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                         "responses": merge(ok(200, "TelegramLink", "The link and the reference it carries"), problem_responses(&[401, 404, 422])) }
            },
            "/api/v1/contacts/{contact_id}/identities": {
                "post": { "summary": "Add an identity (phone, email, ...) to a contact", "parameters": [path_id("contact_id")],
                          "requestBody": body("IdentityInput"),
                          "responses": merge(ok(201, "Contact", "The contact with the new identity"), problem_responses(&[401, 404, 409, 422])) }
            },
            "/api/v1/conversations": {
                "get": { "summary": "List conversations, most recently updated first", "parameters": conversation_filters,
                         "responses": merge(ok(200, "ConversationPage", "A page of conversations"), problem_responses(&[400, 401])) }
            },
            "/api/v1/conversations/{conversation_id}": {
                "get": { "summary": "Get a conversation", "parameters": [path_id("conversation_id")],
                         "responses": merge(ok(200, "Conversation", "The conversation"), problem_responses(&[401, 404])) },
                "patch": { "summary": "Change a conversation's status", "parameters": [path_id("conversation_id")],
                           "requestBody": body("ConversationUpdate"),
                           "responses": merge(ok(200, "Conversation", "The updated conversation"), problem_responses(&[401, 404, 422])) }
            },
            "/api/v1/conversations/{conversation_id}/messages": {
                "get": { "summary": "A conversation's messages, oldest first, across channels",
                         "parameters": message_params,
                         "responses": merge(ok(200, "MessagePage", "A page of messages"), problem_responses(&[400, 401, 404])) }
            },
            "/api/v1/messages": {
                "post": {
                    "summary": "Queue a message to a contact or an address on a channel",
                    "parameters": [{ "name": "Idempotency-Key", "in": "header", "required": false,
                                     "description": "Repeating a request with the same key returns the first message instead of sending twice.",
                                     "schema": { "type": "string", "maxLength": 255 } }],
                    "requestBody": body("SendMessage"),
                    "responses": merge(merge(ok(202, "Message", "Queued"), ok(200, "Message", "An earlier request with the same Idempotency-Key")),
                                       problem_responses(&[400, 401, 404, 409, 422]))
                }
            },
            "/api/v1/messages/{message_id}": {
                "get": { "summary": "Get a message with its status history", "parameters": [path_id("message_id")],
                         "responses": merge(ok(200, "Message", "The message"), problem_responses(&[401, 404])) }
            },
            "/api/v1/channels": {
                "get": { "summary": "The workspace's channels with their webhook URLs",
                         "responses": merge(ok(200, "ChannelList", "Channels"), problem_responses(&[401])) }
            },
            "/api/v1/webhook-events": {
                "get": { "summary": "Recent raw webhooks, newest first, for debugging",
                         "parameters": [query("channel_id", "Only this channel's webhooks.", json!({ "type": "string", "format": "uuid" })),
                                        query("limit", "At most this many (default 50).", json!({ "type": "integer", "minimum": 1, "maximum": 200 }))],
                         "responses": merge(ok(200, "WebhookEventList", "Webhook events"), problem_responses(&[400, 401])) }
            },
            "/api/v1/jobs": {
                "get": { "summary": "Jobs in a state (dead by default) with their last error",
                         "parameters": [query("state", "queued, running, done or dead (default).", json!({ "enum": ["queued", "running", "done", "dead"] })),
                                        query("limit", "At most this many (default 50).", json!({ "type": "integer", "minimum": 1, "maximum": 200 }))],
                         "responses": merge(ok(200, "JobList", "Jobs"), problem_responses(&[400, 401])) }
            },
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI 3.1" } } }
            }
        },
        "components": components()
    })
}

fn components() -> Value {
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        })
    };
    let page = |item: &str| {
        json!({
            "type": "object", "required": ["data", "next_cursor"],
            "properties": { "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } },
                            "next_cursor": { "type": ["string", "null"] } }
        })
    };
    let list = |item: &str| {
        json!({
            "type": "object", "required": ["data"],
            "properties": { "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } } }
        })
    };
    json!({
        "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer", "description": "A workspace API key (sb_...)." } },
        "responses": {
            "Problem400": problem("The request is malformed"),
            "Problem401": problem("Missing, unknown or revoked API key"),
            "Problem404": problem("Not found in this workspace"),
            "Problem409": problem("Conflicts with the current state (opted out, outside the WhatsApp window, taken identity)"),
            "Problem422": problem("Well-formed but invalid (bad phone number, empty message, reused Idempotency-Key)")
        },
        "schemas": {
            "Problem": { "type": "object", "required": ["type", "title", "status", "detail"], "properties": {
                "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" } } },
            "IdentityInput": { "type": "object", "required": ["kind", "value"], "additionalProperties": false, "properties": {
                "kind": { "enum": ["phone", "email", "telegram", "instagram", "messenger", "webchat"] },
                "value": { "type": "string", "description": "E.164 for phone (+14155550123), an address for email." } } },
            "NewContact": { "type": "object", "additionalProperties": false, "properties": {
                "display_name": { "type": ["string", "null"] },
                "identities": { "type": "array", "items": { "$ref": "#/components/schemas/IdentityInput" } } } },
            "Identity": { "type": "object", "properties": {
                "id": { "type": "string", "format": "uuid" }, "kind": { "type": "string" }, "value": { "type": "string" },
                "opted_out": { "type": "array", "items": { "type": "string" }, "description": "Channel kinds this identity opted out of." } } },
            "TelegramLink": { "type": "object", "required": ["url", "reference", "channel_id", "contact_id"], "properties": {
                "url": { "type": "string", "format": "uri" }, "reference": { "type": "string", "maxLength": 64 },
                "channel_id": { "type": "string", "format": "uuid" }, "contact_id": { "type": "string", "format": "uuid" } } },
            "Contact": { "type": "object", "properties": {
                "id": { "type": "string", "format": "uuid" }, "display_name": { "type": ["string", "null"] },
                "identities": { "type": "array", "items": { "$ref": "#/components/schemas/Identity" } },
                "preferred_channel_kind": { "type": ["string", "null"] },
                "created_at": { "type": "string", "format": "date-time" }, "updated_at": { "type": "string", "format": "date-time" } } },
            "ContactPage": page("Contact"),
            "Conversation": { "type": "object", "properties": {
                "id": { "type": "string", "format": "uuid" }, "contact_id": { "type": "string", "format": "uuid" },
                "status": { "enum": ["open", "pending", "snoozed", "resolved"] }, "unread_count": { "type": "integer" },
                "last_message_at": { "type": ["string", "null"], "format": "date-time" },
                "last_channel_id": { "type": ["string", "null"], "format": "uuid" },
                "assignee_staff_id": { "type": ["string", "null"], "format": "uuid" },
                "snoozed_until": { "type": ["string", "null"], "format": "date-time" },
                "created_at": { "type": "string", "format": "date-time" }, "updated_at": { "type": "string", "format": "date-time" } } },
            "ConversationPage": page("Conversation"),
            "ConversationUpdate": { "type": "object", "required": ["status"], "additionalProperties": false, "properties": {
                "status": { "enum": ["open", "pending", "resolved"], "description": "To snooze, POST to the conversation's snooze." } } },
            "SendMessage": { "type": "object", "required": ["channel_id"], "additionalProperties": false,
                "description": "Give exactly one of contact_id and to.", "properties": {
                "channel_id": { "type": "string", "format": "uuid" }, "contact_id": { "type": "string", "format": "uuid" },
                "to": { "type": "string", "description": "An address on the channel, e.g. +14155550123." },
                "body": { "type": "string" }, "media_urls": { "type": "array", "items": { "type": "string", "format": "uri-reference" },
                    "description": "Links the provider fetches; on email, kept files (`/api/v1/media/{id}`, see POST /api/v1/media) the email carries." },
                "content": { "$ref": "#/components/schemas/Content" },
                "reply_to": { "type": "string", "description": "The provider id of the customer's message this one answers (WhatsApp)." } } },
            "Message": { "type": "object", "properties": {
                "id": { "type": "string", "format": "uuid" }, "conversation_id": { "type": "string" }, "contact_id": { "type": "string" },
                "channel_id": { "type": "string" }, "direction": { "enum": ["inbound", "outbound"] },
                "sender": { "enum": ["contact", "staff", "bot", "system"] }, "body": { "type": "string" },
                "attachments": { "type": "array", "items": { "type": "object" } }, "from": { "type": "string" }, "to": { "type": "string" },
                "content": { "$ref": "#/components/schemas/Content" }, "reply_to": { "type": "string" },
                "provider_details": { "type": "object", "description": "What the provider reported with the statuses (WhatsApp conversation and pricing)." },
                "provider_message_id": { "type": ["string", "null"] },
                "status": { "enum": ["received", "queued", "sent", "delivered", "read", "failed"] },
                "status_history": { "type": "array", "items": { "type": "object", "properties": {
                    "status": { "type": "string" }, "at": { "type": "string", "format": "date-time" } } } },
                "error_code": { "type": ["string", "null"] }, "error_reason": { "type": ["string", "null"] },
                "segments": { "type": ["integer", "null"] }, "encoding": { "type": ["string", "null"] },
                "edited_at": { "type": "string", "format": "date-time", "description": "When the customer last changed the text" },
                "previous_versions": { "type": "array", "description": "Earlier texts of an edited message, oldest first",
                    "items": { "type": "object", "properties": { "body": { "type": "string" }, "replaced_at": { "type": "string", "format": "date-time" } } } },
                "created_at": { "type": "string", "format": "date-time" } } },
            "MessagePage": page("Message"),
            "Channel": { "type": "object", "properties": {
                "id": { "type": "string" }, "kind": { "type": "string" }, "provider": { "type": "string" }, "name": { "type": "string" },
                "address": { "type": "string" }, "enabled": { "type": "boolean" }, "webhook_url": { "type": "string" },
                "status_callback_url": { "type": "string" }, "created_at": { "type": "string" } } },
            "ChannelList": list("Channel"),
            "WebhookEvent": { "type": "object", "properties": {
                "id": { "type": "string" }, "channel_id": { "type": "string" }, "provider": { "type": "string" },
                "verification": { "type": "string" }, "outcome": { "type": "string" }, "content_type": { "type": "string" },
                "payload": { "type": "string" }, "received_at": { "type": "string" } } },
            "WebhookEventList": list("WebhookEvent"),
            "Job": { "type": "object", "properties": {
                "id": { "type": "string" }, "kind": { "type": "string" }, "state": { "type": "string" }, "payload": { "type": "object" },
                "attempts": { "type": "integer" }, "max_attempts": { "type": "integer" }, "last_error": { "type": ["string", "null"] },
                "run_at": { "type": "string" }, "created_at": { "type": "string" }, "updated_at": { "type": "string" } } },
            "JobList": list("Job")
        }
    })
}

/// Notes, assignment, snoozing, labels, saved replies and the staff list.
fn teamwork_paths() -> Value {
    let conversation = || path_id("conversation_id");
    json!({
        "/api/v1/conversations/{conversation_id}/notes": {
            "get": { "summary": "A conversation's private notes, oldest first", "parameters": [conversation()],
                     "responses": merge(ok(200, "NoteList", "Notes"), problem_responses(&[401, 404])) },
            "post": { "summary": "Leave a private note (never sent to the customer)", "parameters": [conversation()],
                      "requestBody": body("NewNote"),
                      "responses": merge(ok(201, "Note", "The note"), problem_responses(&[401, 404, 422])) }
        },
        "/api/v1/conversations/{conversation_id}/assignee": {
            "put": { "summary": "Assign the conversation to a staff member, or to nobody", "parameters": [conversation()],
                     "requestBody": body("Assignment"),
                     "responses": merge(ok(200, "Conversation", "The conversation"), problem_responses(&[401, 404, 422])) }
        },
        "/api/v1/conversations/{conversation_id}/snooze": {
            "post": { "summary": "Snooze until a time; it reopens then, or when the customer writes", "parameters": [conversation()],
                      "requestBody": body("Snooze"),
                      "responses": merge(ok(200, "Conversation", "The snoozed conversation"), problem_responses(&[401, 404, 422])) }
        },
        "/api/v1/conversations/{conversation_id}/labels/{label_id}": {
            "put": { "summary": "Put a label on the conversation (again is a no-op)", "parameters": [conversation(), path_id("label_id")],
                     "responses": merge(json!({ "204": { "description": "Labelled" } }), problem_responses(&[401, 404])) },
            "delete": { "summary": "Take a label off the conversation", "parameters": [conversation(), path_id("label_id")],
                        "responses": merge(json!({ "204": { "description": "Unlabelled" } }), problem_responses(&[401, 404])) }
        },
        "/api/v1/labels": {
            "get": { "summary": "The workspace's labels by name", "responses": merge(ok(200, "LabelList", "Labels"), problem_responses(&[401])) },
            "post": { "summary": "Create a label", "requestBody": body("NewLabel"),
                      "responses": merge(ok(201, "Label", "The label"), problem_responses(&[401, 409, 422])) }
        },
        "/api/v1/labels/{label_id}": {
            "delete": { "summary": "Delete a label and take it off every conversation", "parameters": [path_id("label_id")],
                        "responses": merge(json!({ "204": { "description": "Deleted" } }), problem_responses(&[401, 404])) }
        },
        "/api/v1/canned-responses": {
            "get": { "summary": "Saved replies by shortcut", "responses": merge(ok(200, "CannedResponseList", "Saved replies"), problem_responses(&[401])) },
            "post": { "summary": "Save a reply under a shortcut", "requestBody": body("CannedResponseInput"),
                      "responses": merge(ok(201, "CannedResponse", "The saved reply"), problem_responses(&[401, 409, 422])) }
        },
        "/api/v1/canned-responses/{canned_response_id}": {
            "patch": { "summary": "Change a saved reply", "parameters": [path_id("canned_response_id")], "requestBody": body("CannedResponseInput"),
                       "responses": merge(ok(200, "CannedResponse", "The saved reply"), problem_responses(&[401, 404, 409, 422])) },
            "delete": { "summary": "Delete a saved reply", "parameters": [path_id("canned_response_id")],
                        "responses": merge(json!({ "204": { "description": "Deleted" } }), problem_responses(&[401, 404])) }
        },
        "/api/v1/staff": {
            "get": { "summary": "The workspace's staff, for assignment", "responses": merge(ok(200, "StaffList", "Staff"), problem_responses(&[401])) }
        }
    })
}

fn teamwork_schemas() -> Value {
    let list = |item: &str| {
        json!({
            "type": "object", "required": ["data"],
            "properties": { "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } } }
        })
    };
    let time = || json!({ "type": "string", "format": "date-time" });
    let id = || json!({ "type": "string", "format": "uuid" });
    json!({
        "Note": { "type": "object", "properties": {
            "id": id(), "conversation_id": id(), "staff_id": { "type": ["string", "null"], "format": "uuid" },
            "author": { "type": ["string", "null"] }, "body": { "type": "string" }, "created_at": time() } },
        "NoteList": list("Note"),
        "NewNote": { "type": "object", "required": ["body"], "additionalProperties": false, "properties": {
            "body": { "type": "string", "minLength": 1, "maxLength": 10000 },
            "staff_id": { "type": ["string", "null"], "format": "uuid", "description": "The author; none for an integration." } } },
        "Assignment": { "type": "object", "required": ["staff_id"], "additionalProperties": false, "properties": {
            "staff_id": { "type": ["string", "null"], "format": "uuid" } } },
        "Snooze": { "type": "object", "required": ["until"], "additionalProperties": false, "properties": {
            "until": { "type": "string", "format": "date-time", "description": "In the future." } } },
        "Label": { "type": "object", "properties": {
            "id": id(), "name": { "type": "string" }, "colour": { "type": "string", "pattern": "^#[0-9a-f]{6}$" }, "created_at": time() } },
        "LabelList": list("Label"),
        "NewLabel": { "type": "object", "required": ["name"], "additionalProperties": false, "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": 40 },
            "colour": { "type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "Picked from a palette when left out." } } },
        "CannedResponse": { "type": "object", "properties": {
            "id": id(), "shortcut": { "type": "string" }, "body": { "type": "string" }, "created_at": time(), "updated_at": time() } },
        "CannedResponseList": list("CannedResponse"),
        "CannedResponseInput": { "type": "object", "required": ["shortcut", "body"], "additionalProperties": false, "properties": {
            "shortcut": { "type": "string", "pattern": "^/?[\\p{L}\\p{N}_-]{1,32}$", "description": "Typed after '/' in the reply box." },
            "body": { "type": "string", "minLength": 1, "maxLength": 5000 } } },
        "Staff": { "type": "object", "properties": {
            "id": id(), "email": { "type": "string" }, "name": { "type": "string" }, "role": { "enum": ["admin", "agent"] },
            "active": { "type": "boolean" } } },
        "StaffList": list("Staff"),
        "ContactUpdate": { "type": "object", "additionalProperties": false, "properties": {
            "display_name": { "type": ["string", "null"], "maxLength": 200 },
            "preferred_channel_kind": { "enum": ["sms", "whatsapp", "email", "telegram", "instagram", "messenger", "webchat", null] } } },
        "ContactMerge": { "type": "object", "required": ["other_contact_id"], "additionalProperties": false, "properties": {
            "other_contact_id": { "type": "string", "format": "uuid" } } }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_described_in_the_openapi_document() {
        let document = super::document();
        for (method, path) in super::super::ROUTES {
            assert!(
                document["paths"][path][method].is_object(),
                "{} {path} is served but missing from openapi.json",
                method.to_uppercase()
            );
        }
        let described: usize =
            document["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(described, super::super::ROUTES.len(), "openapi.json describes a route that is not served");
    }
}
