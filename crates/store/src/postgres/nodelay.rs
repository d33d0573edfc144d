//! Turns off Nagle's algorithm on every TCP connection to PostgreSQL.
//!
//! sqlx 0.9.0 connects without `TCP_NODELAY` (a regression, sqlx issue 4335; fixed upstream but
//! not yet released). A request the driver writes in two parts then waits for the server's
//! delayed acknowledgement, 40 ms on Linux. Under the ingest benchmark that hit about one batch
//! in thirty and cut throughput by half. Until the fix ships, each new connection asks the server
//! which client port it sees and sets the option on this process's socket bound to that port.
//! Connections over a Unix socket need nothing.

use sqlx::PgConnection;

/// Sets `TCP_NODELAY` on the socket of a freshly opened connection.
pub(crate) async fn disable_nagle(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    let (client_port, server_port): (Option<i32>, Option<i32>) =
        sqlx::query_as("select inet_client_port(), inet_server_port()").fetch_one(&mut *conn).await?;
    if let (Some(client), Some(server)) = (client_port, server_port) {
        let ports = (u16::try_from(client).unwrap_or_default(), u16::try_from(server).unwrap_or_default());
        if !set_nodelay_on_connection(ports) {
            tracing::debug!(client_port = ports.0, "could not find the connection's socket to set TCP_NODELAY");
        }
    }
    Ok(())
}

/// Finds the socket connected from local port `ports.0` to remote port `ports.1` among this
/// process's open files and sets `TCP_NODELAY` on it.
#[cfg(target_os = "linux")]
fn set_nodelay_on_connection((local_port, remote_port): (u16, u16)) -> bool {
    use std::os::fd::{BorrowedFd, RawFd};
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return false };
    for entry in entries.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|name| name.parse::<RawFd>().ok()) else { continue };
        let is_socket =
            std::fs::read_link(entry.path()).is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        if !is_socket {
            continue;
        }
        // SAFETY: the descriptor is only borrowed for a few system calls. If another thread
        // closed it meanwhile, the calls fail (or see another socket, whose ports do not match);
        // nothing is read or written through it.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let socket = socket2::SockRef::from(&fd);
        let port =
            |address: std::io::Result<socket2::SockAddr>| address.ok().and_then(|a| a.as_socket()).map(|a| a.port());
        if port(socket.local_addr()) == Some(local_port) && port(socket.peer_addr()) == Some(remote_port) {
            return socket.set_tcp_nodelay(true).is_ok();
        }
    }
    false
}

#[cfg(not(target_os = "linux"))]
fn set_nodelay_on_connection(_ports: (u16, u16)) -> bool {
    false
}
