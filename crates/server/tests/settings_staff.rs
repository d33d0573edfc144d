//! Staff administration: inviting someone by link, changing roles, deactivating, and the rule
//! that a workspace keeps an active administrator.

mod common;

use common::browser::{Browser, hidden_field, location};
use common::staff::*;
use common::*;
use switchboard_domain::StaffRole;

#[tokio::test]
async fn an_invited_colleague_chooses_a_password_once_and_signs_in() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        let page = admin.get("/inbox/settings/staff").await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let form = [("csrf", csrf.as_str()), ("name", "Bo <Vet>"), ("email", "bo@clinic.example"), ("role", "agent")];
        let invited = admin.post("/inbox/settings/staff", &form).await;
        assert_eq!(invited.status(), 200);
        let page = invited.text().await.unwrap().replace("&#x2f;", "/");
        let link = page.split("value=\"").find(|part| part.contains("/invite/")).unwrap();
        let link = link.split('"').next().unwrap();
        let path = &link[link.find("/invite/").unwrap()..];
        assert!(page.contains("Bo &lt;Vet&gt;"), "names are escaped");

        let mut bo = Browser::new(&app.url);
        let early = bo.sign_in("bo@clinic.example", "any password at all").await;
        assert_eq!(early.status(), 401, "no password before the invitation is used");
        let welcome = bo.get(path).await;
        assert_eq!(welcome.status(), 200);
        assert!(welcome.text().await.unwrap().contains("bo@clinic.example"));
        let differ = bo.post(path, &[("password", "a long new password"), ("password_again", "another one!!")]).await;
        assert_eq!(differ.status(), 422);
        let short = bo.post(path, &[("password", "short"), ("password_again", "short")]).await;
        assert_eq!(short.status(), 422);
        let set =
            bo.post(path, &[("password", "a long new password"), ("password_again", "a long new password")]).await;
        assert_eq!((set.status().as_u16(), location(&set).as_deref()), (303, Some("/login")));
        assert_eq!(bo.get(path).await.status(), 404, "the link works once, {}", app.backend);
        let signed = bo.sign_in("bo@clinic.example", "a long new password").await;
        assert_eq!(location(&signed).as_deref(), Some("/inbox"), "{}", app.backend);
        assert_eq!(bo.get("/inbox/settings/staff").await.status(), 403, "an agent does not manage staff");

        let taken = admin.post("/inbox/settings/staff", &form).await;
        assert_eq!(taken.status(), 409, "one account per email");
        app
    })
    .await;
}

#[tokio::test]
async fn a_deactivated_colleague_is_signed_out_and_the_last_administrator_stays() {
    on_every_backend(|app| async move {
        let mut admin = signed_in_as(&app, StaffRole::Admin).await;
        staff_with_role(&app, &app.workspace, "bo@clinic.example", StaffRole::Agent).await;
        let mut bo = Browser::new(&app.url);
        assert_eq!(bo.sign_in("bo@clinic.example", PASSWORD).await.status(), 303);
        assert_eq!(bo.get("/inbox").await.status(), 200);

        let page = admin.get("/inbox/settings/staff").await.text().await.unwrap();
        let csrf = hidden_field(&page, "csrf").unwrap();
        let staff = app.store.list_staff(app.workspace.workspace_id).await.unwrap();
        let id_of = |email: &str| staff.iter().find(|s| s.email == email).unwrap().staff_id.to_string();
        let bo_path = format!("/inbox/settings/staff/{}", id_of("bo@clinic.example"));
        let off = admin.post(&bo_path, &[("csrf", &csrf), ("role", "agent"), ("active", "false")]).await;
        assert_eq!(off.status(), 303);
        assert_eq!(bo.get("/inbox").await.status(), 303, "the session ended, {}", app.backend);
        assert_eq!(bo.sign_in("bo@clinic.example", PASSWORD).await.status(), 401, "and cannot sign in again");

        let me = format!("/inbox/settings/staff/{}", id_of(EMAIL));
        let step_down = admin.post(&me, &[("csrf", &csrf), ("role", "agent"), ("active", "true")]).await;
        assert_eq!(step_down.status(), 409);
        assert!(step_down.text().await.unwrap().contains("at least one active administrator"));
        assert_eq!(admin.get("/inbox/settings/staff").await.status(), 200, "still an administrator");
        app
    })
    .await;
}
