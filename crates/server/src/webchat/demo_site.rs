//! A small website of a made-up clinic that embeds the widget with its one line, served on its
//! own origin (another port than the server's), so that `switchboard demo` and the browser tests
//! meet the widget as a visitor of a business's site does.

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use tokio::net::TcpListener;

/// The site's page, embedding the widget whose key this is from the server at `public_url`.
pub fn page(public_url: &str, key: &str) -> String {
    let snippet = crate::admin::webchat_snippet(public_url, key);
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Vet Clinic</title>
<style>
  body {{ font-family: Georgia, serif; margin: 0; color: #1f2937; background: #f8fafc; }}
  header {{ background: #134e4a; color: #fff; padding: 2rem; }}
  main {{ max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; }}
</style>
</head>
<body>
<header><h1>Riverside Vet Clinic</h1><p>Caring for your pets since 1998.</p></header>
<main>
  <h2>Opening hours</h2>
  <p>Monday to Friday 8:00–18:00, Saturday 9:00–13:00.</p>
  <h2>Questions?</h2>
  <p>Use the chat bubble in the corner: the front desk answers from Switchboard's inbox.</p>
</main>
{snippet}
</body>
</html>
"#
    )
}

/// Serves the page at `/` on the listener until the process ends.
pub async fn serve(listener: TcpListener, html: String) -> std::io::Result<()> {
    let app = Router::new().route("/", get(move || async move { Html(html) }));
    axum::serve(listener, app).await
}
