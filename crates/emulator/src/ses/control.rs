//! The SES and SNS part of the `/_emulator` control API: SNS's SubscribeURL and certificate,
//! and for humans a customer's email and the list of emails sent.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::handle::SesEmulator;
use super::sns::{CERTIFICATE_PEM, new_id};
use crate::control::{error, parse};
use crate::customer_email::InboundEmailJson;
use crate::server::Shared;

/// `GET /_emulator/sns/confirm?Action=ConfirmSubscription&TopicArn=…&Token=…`: SNS's
/// SubscribeURL. Answers with SNS's XML, as the real one does.
pub(crate) async fn confirm(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (Some(topic), Some(token)) = (query.get("TopicArn"), query.get("Token")) else {
        return (StatusCode::BAD_REQUEST, "TopicArn and Token are required").into_response();
    };
    let confirmed = shared.state.update(|w| {
        let subscription = w.ses.topics.get_mut(topic)?.iter_mut().find(|s| s.token == *token)?;
        subscription.confirmed = true;
        Some(())
    });
    if confirmed.is_none() {
        let body = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>\
                    <Code>InvalidParameter</Code><Message>Invalid token</Message></Error></ErrorResponse>";
        return (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/xml")], body).into_response();
    }
    let body = format!(
        "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ConfirmSubscriptionResult>\
         <SubscriptionArn>{topic}:{}</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>{}</RequestId>\
         </ResponseMetadata></ConfirmSubscriptionResponse>",
        new_id(),
        new_id()
    );
    ([(header::CONTENT_TYPE, "text/xml")], body).into_response()
}

/// `GET /_emulator/sns/SimpleNotificationService-emulator.pem`: the signing certificate.
pub(crate) async fn certificate() -> Response {
    ([(header::CONTENT_TYPE, "application/x-x509-ca-cert")], CERTIFICATE_PEM).into_response()
}

/// `POST /_emulator/ses/inbound`: a customer emails a domain with a receipt rule.
pub(crate) async fn inbound(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let email = match parse::<InboundEmailJson>(&body) {
        Ok(request) => request.into_email(),
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    match SesEmulator::from_shared(shared).send_inbound(email).await {
        Ok((message_id, statuses)) => Json(json!({ "message_id": message_id, "statuses": statuses })).into_response(),
        Err(e) => error(StatusCode::BAD_GATEWAY, e),
    }
}

/// `GET /_emulator/ses/sent`: the emails our side sent, in order.
pub(crate) async fn sent(State(shared): State<Arc<Shared>>) -> Response {
    Json(SesEmulator::from_shared(shared).sent_emails()).into_response()
}
