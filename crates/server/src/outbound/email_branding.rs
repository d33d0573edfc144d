//! A channel's branding template: the HTML every reply is wrapped in (the business's colours,
//! logo, address), written in the same template language as the inbox's pages. It is given the
//! reply as escaped paragraphs (`content`), the signature (`signature`), the sender's name
//! (`from_name`) and the subject (`subject`); everything else it prints is escaped.

use minijinja::{Environment, Value, context};
use switchboard_channels::email::compose::{paragraphs_html, signature_html};

const NAME: &str = "branding";

fn environment(template: &str) -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template_owned(NAME, template.to_owned())
        .map_err(|e| format!("the branding template does not compile: {e}"))?;
    Ok(env)
}

/// Checks a template before it is saved: it must compile and place the reply.
pub fn check(template: &str) -> Result<(), String> {
    if !template.contains("content") {
        return Err("the branding template must place the reply with {{ content }}".to_owned());
    }
    render(template, "Hello", Some("Signature"), Some("Sender"), "Subject").map(|_| ())
}

/// The HTML part of a reply of `text`, in the template.
pub fn render(
    template: &str,
    text: &str,
    signature: Option<&str>,
    from_name: Option<&str>,
    subject: &str,
) -> Result<String, String> {
    let env = environment(template)?;
    let compiled = env.get_template(NAME).map_err(|e| e.to_string())?;
    compiled
        .render(context! {
            content => Value::from_safe_string(paragraphs_html(text)),
            signature => signature.map(|s| Value::from_safe_string(signature_html(s))),
            from_name => from_name,
            subject => subject,
        })
        .map_err(|e| format!("the branding template failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<div style=\"border-top:4px solid #0d9488\"><h1>{{ from_name }}</h1>{{ content }}\
                            {{ signature }}<footer>{{ subject }}</footer></div>";

    #[test]
    fn the_reply_is_placed_escaped_and_the_rest_as_written() {
        let html =
            render(TEMPLATE, "Hi <Ann>,\n\nSee https://clinic.example", Some("Bright Dental"), Some("A & B"), "Re: x")
                .unwrap();
        assert!(
            html.starts_with("<div style=\"border-top:4px solid #0d9488\"><h1>A &amp; B</h1><p>Hi &lt;Ann&gt;,</p>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://clinic.example\">https://clinic.example</a>"));
        assert!(html.contains("<div class=\"signature\" style=\"color:#555\">-- <br>Bright Dental</div>"));
        assert!(html.contains("<footer>Re: x</footer>"));
    }

    #[test]
    fn a_template_that_does_not_compile_or_drops_the_reply_is_refused() {
        assert!(check(TEMPLATE).is_ok());
        assert!(check("<p>{{ content </p>").unwrap_err().contains("does not compile"));
        assert!(check("<p>{{ from_name }}</p>").unwrap_err().contains("{{ content }}"));
    }
}
