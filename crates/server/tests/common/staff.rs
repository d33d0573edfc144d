//! Staff for the inbox tests: an agent of the test workspace, signed in through the real form.

use switchboard_domain::StaffRole;
use switchboard_server::admin;
use switchboard_store::model::Workspace;
use switchboard_store::writes::InboxQuery;

use super::TestApp;
use super::browser::{Browser, location};

pub const EMAIL: &str = "ana@clinic.example";
pub const PASSWORD: &str = "a long enough passphrase";

pub async fn staff(app: &TestApp, workspace: &Workspace, email: &str) {
    staff_with_role(app, workspace, email, StaffRole::Agent).await;
}

pub async fn staff_with_role(app: &TestApp, workspace: &Workspace, email: &str, role: StaffRole) {
    admin::create_staff(&app.store, workspace, email, "Ana", role, PASSWORD).await.unwrap();
}

/// An agent of the test workspace, signed in.
pub async fn signed_in(app: &TestApp) -> Browser {
    signed_in_as(app, StaffRole::Agent).await
}

/// A staff member of the test workspace with this role, signed in.
pub async fn signed_in_as(app: &TestApp, role: StaffRole) -> Browser {
    staff_with_role(app, &app.workspace, EMAIL, role).await;
    let mut browser = Browser::new(&app.url);
    let answer = browser.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(answer.status(), 303, "{}", app.backend);
    assert_eq!(location(&answer).as_deref(), Some("/inbox"));
    browser
}

/// The id of the workspace's only conversation.
pub async fn only_conversation(app: &TestApp) -> String {
    let entries = app.store.list_inbox(app.workspace.workspace_id, &InboxQuery::default(), 10).await.unwrap().items;
    assert_eq!(entries.len(), 1, "{}", app.backend);
    entries[0].conversation.conversation_id.to_string()
}
