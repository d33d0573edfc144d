//! A corpus of hostile HTML, each case with what must not survive, and ordinary email HTML
//! with what must.

use super::*;

/// (what the email says, what must not appear in the safe HTML, case-insensitively).
const HOSTILE: &[(&str, &str)] = &[
    ("<script>alert(1)</script><p>hi</p>", "<script"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "evil.example"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ("<body onload=alert(1)><p>x</p></body>", "onload"),
    ("<div onclick=\"steal()\">click</div>", "onclick"),
    ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
    ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "javascript:"),
    ("<a href=\"&#106;avascript:alert(1)\">x</a>", "alert(1)"),
    ("<a href=\"java\tscript:alert(1)\">x</a>", "alert(1)"),
    ("<a href=\"vbscript:msgbox(1)\">x</a>", "vbscript"),
    ("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "data:"),
    ("<svg onload=alert(1)><circle r=5 /></svg>", "<svg"),
    ("<svg><script>alert(1)</script></svg>", "<script"),
    ("<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>", "javascript:"),
    ("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "javascript:"),
    ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
    ("<object data=\"https://evil.example/x.swf\"></object>", "<object"),
    ("<embed src=\"https://evil.example/x.swf\">", "<embed"),
    ("<form action=\"https://evil.example\"><input name=password></form>", "<form"),
    ("<form action=\"https://evil.example\"><input name=password></form>", "<input"),
    ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", "refresh"),
    ("<base href=\"https://evil.example/\"><a href=\"x\">x</a>", "<base"),
    ("<link rel=stylesheet href=\"https://evil.example/x.css\">", "<link"),
    ("<style>body { background: url(https://tracker.example/open.gif) }</style>", "tracker.example"),
    ("<div style=\"background-image: url(https://tracker.example/open.gif)\">x</div>", "tracker.example"),
    ("<div style=\"color: red; background: url(https://tracker.example/a.gif)\">x</div>", "url("),
    ("<div style=\"position: fixed; top: 0; left: 0; width: 100%; height: 100%\">fake sign-in</div>", "position"),
    ("<div style=\"width: expression(alert(1))\">x</div>", "expression"),
    ("<div style=\"color: \\72 ed\">x</div>", "\\72"),
    ("<p style=\"behavior: url(x.htc)\">x</p>", "behavior"),
    ("<img src=\"https://tracker.example/pixel.gif?u=ann\" width=1 height=1>", "tracker.example"),
    ("<img srcset=\"https://tracker.example/a.gif 1x\">", "tracker.example"),
    ("<table background=\"https://tracker.example/bg.gif\"><tr><td>x</td></tr></table>", "tracker.example"),
    ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "onerror"),
    ("<template><script>alert(1)</script></template>", "<script"),
    ("<!--[if gte mso 9]><script>alert(1)</script><![endif]-->", "<script"),
    ("<a href=\"https://ok.example\" target=\"_self\" onmouseover=\"x()\">x</a>", "onmouseover"),
    ("<button formaction=\"https://evil.example\">Go</button>", "formaction"),
    ("<video><source onerror=\"alert(1)\"></video>", "onerror"),
    ("<details open ontoggle=alert(1)>", "ontoggle"),
];

#[test]
fn nothing_hostile_survives() {
    for (email, forbidden) in HOSTILE {
        let safe = sanitize(email, false).html.to_ascii_lowercase();
        assert!(!safe.contains(&forbidden.to_ascii_lowercase()), "{email:?} kept {forbidden:?}: {safe:?}");
        let with_images = sanitize(email, true).html.to_ascii_lowercase();
        let forbidden_even_with_images = !email.contains("<img src=\"https://tracker.example");
        if forbidden_even_with_images {
            assert!(
                !with_images.contains(&forbidden.to_ascii_lowercase()),
                "{email:?} kept {forbidden:?}: {with_images:?}"
            );
        }
    }
}

/// Whether an attribute named `on…` is left anywhere.
fn has_event_handler(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.match_indices(" on").any(|(at, _)| {
        let name: String = lower[at + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        name.len() > 2 && lower[at + 1 + name.len()..].starts_with('=')
    })
}

#[test]
fn no_event_handler_attribute_survives() {
    assert!(has_event_handler("<img src=x onerror=alert(1)>"), "the check itself finds one");
    for (email, _) in HOSTILE {
        let safe = sanitize(email, true).html;
        assert!(!has_event_handler(&safe), "{email:?} → {safe:?}");
    }
}

#[test]
fn ordinary_email_html_keeps_its_text_layout_and_links() {
    let email = "<table width=\"600\" cellpadding=\"4\"><tr><td style=\"color: #333; font-size: 14px; padding: 8px\">\
                 <p>Dear Ann,</p><p><b>Your order</b> has shipped. <a href=\"https://shop.example/track?id=1\">Track it</a>\
                 or write to <a href=\"mailto:help@shop.example\">help@shop.example</a>.</p>\
                 <ul><li>Blue mug</li></ul></td></tr></table>";
    let safe = sanitize(email, false);
    assert_eq!(safe.blocked_images, 0);
    for kept in [
        "<table",
        "Dear Ann,",
        "<b>Your order</b>",
        "href=\"https://shop.example/track?id=1\"",
        "href=\"mailto:help@shop.example\"",
        "<li>Blue mug</li>",
        "color:#333",
        "font-size:14px",
    ] {
        assert!(safe.html.contains(kept), "{kept:?} is missing from {:?}", safe.html);
    }
    assert!(safe.html.contains("rel=\"noopener noreferrer nofollow\""), "{}", safe.html);
    assert!(safe.html.contains("target=\"_blank\""), "{}", safe.html);
}

#[test]
fn remote_pictures_wait_for_the_staff_member_and_kept_ones_show() {
    let kept = format!("{MEDIA_PATH_PREFIX}0193a1b2-c3d4-7e5f-8071-8293a4b5c6d7");
    let email = format!(
        "<p>Look:</p><img src=\"{kept}\" alt=\"logo\"><img src=\"https://cdn.example/photo.jpg\" alt=\"photo\">\
         <img src=\"http://tracker.example/o.gif\">"
    );
    let blocked = sanitize(&email, false);
    assert_eq!(blocked.blocked_images, 2);
    assert!(blocked.html.contains(&format!("src=\"{kept}\"")));
    assert!(!blocked.html.contains("cdn.example") && !blocked.html.contains("tracker.example"));
    assert!(blocked.html.contains("alt=\"photo\""), "the picture's place and description stay");

    let allowed = sanitize(&email, true);
    assert_eq!(allowed.blocked_images, 0);
    assert!(allowed.html.contains("src=\"https://cdn.example/photo.jpg\""));
}
