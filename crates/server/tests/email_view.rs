//! How the inbox shows an email, on both databases: the timeline gives the subject, the new
//! text, the signature, the quoted text behind a toggle and the formatted email in a sandboxed
//! frame; that frame's page is the sanitised HTML under a policy that lets nothing run, with
//! pictures from the internet held back until asked for. Only the workspace's signed-in staff
//! see it.

mod common;

use common::browser::Browser;
use common::on_every_backend;
use common::sendgrid::{ADDRESS, add_sendgrid};
use common::staff::{only_conversation, signed_in};
use switchboard_emulator::sendgrid::InboundEmail;

const HOSTILE_HTML: &str = "<p>Is Friday <b>fine</b>?</p>\
    <script>document.title='owned'</script><img src=x onerror=\"alert(1)\">\
    <a href=\"javascript:alert(1)\">click</a><a href=\"https://maps.example/clinic\">map</a>\
    <img src=\"https://tracker.example/open.gif?who=renee\" alt=\"pixel\">\
    <svg onload=\"alert(1)\"></svg><div style=\"position:fixed;color:red\">styled</div>";

#[tokio::test]
async fn an_email_shows_its_parts_and_its_html_only_when_made_safe() {
    on_every_backend(|app| async move {
        let sendgrid = add_sendgrid(&app).await;
        let email = InboundEmail {
            html: Some(HOSTILE_HTML.into()),
            ..InboundEmail::text(
                "renee@customer.test",
                ADDRESS,
                "Friday appointment",
                "Is Friday fine?\n\n-- \nRenée\n\nOn Monday, Riverside Vet wrote:\n> We have openings this week.\n",
            )
        };
        assert_eq!(sendgrid.sendgrid.send_inbound(email).await.unwrap().status, 200, "{}", app.backend);
        let mut staff = signed_in(&app).await;
        let conversation = only_conversation(&app).await;
        let page = staff.get(&format!("/inbox/conversations/{conversation}")).await.text().await.unwrap();
        assert!(page.contains("<span class=\"email-subject\">Friday appointment</span>"), "{page}");
        assert!(page.contains("<div class=\"bubble\">Is Friday fine?</div>"), "{page}");
        assert!(page.contains("<summary>Show quoted text</summary>"));
        assert!(page.contains("We have openings this week."));
        assert!(page.contains("<div class=\"email-signature\">Renée</div>"));
        assert!(!page.contains("onerror"), "the raw HTML never reaches the timeline");
        let frame = page.split("<iframe sandbox=\"").nth(1).expect("the formatted email is framed");
        let src = frame.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();

        let framed = staff.get(&src).await;
        assert_eq!(framed.status(), 200);
        let policy = framed.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(policy.contains("default-src 'none'") && policy.contains("sandbox"), "{policy}");
        assert!(!policy.contains("script-src") && !policy.contains("https:"), "{policy}");
        let html = framed.text().await.unwrap();
        for gone in ["<script", "onerror", "javascript:", "<svg", "onload", "tracker.example", "position"] {
            assert!(!html.to_ascii_lowercase().contains(gone), "{gone} survived: {html}");
        }
        for kept in ["Is Friday <b>fine</b>?", "href=\"https://maps.example/clinic\"", "target=\"_blank\"", "color:red"]
        {
            assert!(html.replace("color: red", "color:red").contains(kept), "{kept} is missing: {html}");
        }
        // The tracking pixel and the broken `src=x`: only kept files show unasked.
        assert!(html.contains("2 pictures from the internet are hidden"), "{html}");

        let with_pictures = staff.get(&format!("{src}?images=1")).await;
        let policy = with_pictures.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(policy.contains("img-src 'self' data: https:"), "{policy}");
        let html = with_pictures.text().await.unwrap();
        assert!(html.contains("src=\"https://tracker.example/open.gif?who=renee\""));
        assert!(!html.contains("onerror") && !html.contains("<script"));

        let stranger = Browser::new(&app.url).get(&src).await;
        assert!(matches!(stranger.status().as_u16(), 303 | 401), "signed-out: {}", stranger.status());
        app
    })
    .await;
}
