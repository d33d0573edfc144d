//! Real mail servers for the email channel's tests, started by the test itself: Dovecot for IMAP
//! (STARTTLS and implicit TLS) and LMTP, and `tools/mail/smtp_submission.py` (aiosmtpd) for SMTP
//! submission (STARTTLS and implicit TLS), which delivers every accepted message into Dovecot over
//! LMTP. So a message sent by SMTP to `shop-1@example.test` can be read over IMAP as `shop-1`.
//!
//! ```ignore
//! let servers = MailServers::start().await;
//! let user = servers.fresh_user("shop"); // IMAP login `user` or `user@example.test`, `servers.password()`
//! // SMTP: 127.0.0.1:servers.smtp_port (STARTTLS) or :servers.smtps_port, as servers.smtp_user;
//! // IMAP: 127.0.0.1:servers.imap_port (STARTTLS) or :servers.imaps_port; trust servers.ca_pem.
//! ```
//!
//! Every server listens on 127.0.0.1 only; the certificate names `localhost` and `127.0.0.1` and is
//! signed by a CA made for the instance ([`MailServers::ca_pem`]). Each instance has its own
//! temporary directory and ports, so test binaries running at the same time do not meet, and
//! dropping it stops both servers and removes the directory (they also stop if the test process
//! dies: both watch their stdin). `.ci/run` installs what this needs: Debian's `dovecot-imapd`,
//! `dovecot-lmtpd` and `openssl`, and `tools/mail/requirements.txt`.
//!
//! Dovecot: any username logs in with [`MailServers::password`]; the username is lowercased and its
//! domain dropped (`auth_username_format = %Ln`), which names the maildir in the temporary
//! directory. Run as root (as CI does), Dovecot keeps its Debian users (`dovecot`, `dovenull`) for
//! its own processes, and mailboxes belong to uid/gid 65534 (`nobody`), since Dovecot refuses mail
//! access as root; run as another user, everything runs as that user.
#![allow(dead_code)] // each test binary uses only part of `common`

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::{Instant, sleep, timeout, timeout_at};

/// Where every server listens.
pub const HOST: &str = "127.0.0.1";
/// How long both servers may take to be ready.
const STARTUP: Duration = Duration::from_secs(20);
/// Tries with fresh ports when a port was taken between choosing it and binding it.
const ATTEMPTS: usize = 3;
/// Mailboxes' owner when run as root (`nobody`): Dovecot refuses mail access as uid 0.
const NOBODY: u32 = 65534;

/// Runs `"$@"` (Dovecot in the foreground, which does not watch its stdin) and kills it when stdin
/// closes, so a dying test process takes it along. `exec` keeps Dovecot on the child's pid.
const KILL_WHEN_STDIN_CLOSES: &str = r#"exec 3<&0; (read -r line <&3; kill -KILL $$ 2>/dev/null) & exec "$@" 3<&-"#;

/// Dovecot and the SMTP submission server, stopped when dropped.
pub struct MailServers {
    /// IMAP, plain until STARTTLS.
    pub imap_port: u16,
    /// IMAP over implicit TLS.
    pub imaps_port: u16,
    /// SMTP submission, STARTTLS required before AUTH.
    pub smtp_port: u16,
    /// SMTP submission over implicit TLS.
    pub smtps_port: u16,
    /// The PEM of the CA that signed the servers' certificate (for `localhost` and `127.0.0.1`).
    pub ca_pem: String,
    /// The one account the SMTP server accepts (AUTH PLAIN or LOGIN).
    pub smtp_user: String,
    pub smtp_password: String,
    users: AtomicU32,
    dovecot: Child,
    smtp: Child,
    // Last, so that it is removed after the servers stopped.
    dir: TempDir,
}

/// An envelope the SMTP server accepted and delivered: `MAIL FROM` (`<>` when empty) and `RCPT TO`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Envelope {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
}

impl MailServers {
    /// Starts both servers and waits until Dovecot greets over IMAP and the SMTP server listens.
    /// Panics with the servers' logs when they do not start within 20 s.
    pub async fn start() -> MailServers {
        for attempt in 1..=ATTEMPTS {
            match Self::try_start().await {
                Ok(servers) => return servers,
                Err(logs) if attempt < ATTEMPTS && logs.to_lowercase().contains("address already in use") => {
                    eprintln!("mail servers: a port was taken, trying again with others")
                }
                Err(logs) => panic!(
                    "the mail servers did not start (`.ci/run` installs Dovecot, openssl and \
                     tools/mail/requirements.txt):\n{logs}"
                ),
            }
        }
        unreachable!()
    }

    /// The IMAP password of every user.
    pub fn password(&self) -> &str {
        "imap-secret"
    }

    /// A username no other test of this instance has used: `{prefix}-{n}`.
    pub fn fresh_user(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.users.fetch_add(1, Ordering::Relaxed))
    }

    /// Every envelope the SMTP server accepted so far, oldest first.
    pub fn envelopes(&self) -> Vec<Envelope> {
        let text = fs::read_to_string(self.dir.0.join("envelopes.jsonl")).unwrap_or_default();
        text.lines().map(|line| serde_json::from_str(line).expect("an envelope line")).collect()
    }

    async fn try_start() -> Result<MailServers, String> {
        let dir = TempDir::new();
        let d = dir.0.clone();
        make_certificate(&d);
        let [imap_port, imaps_port, smtp_port, smtps_port, lmtp_port] = free_ports();
        fs::create_dir(d.join("mail")).unwrap();
        let me = fs::metadata(&d).unwrap(); // made by this process, so it tells who we are
        let account = if me.uid() == 0 {
            std::os::unix::fs::chown(d.join("mail"), Some(NOBODY), Some(NOBODY)).unwrap();
            None
        } else {
            Some(Account { user: id("-un"), group: id("-gn"), uid: me.uid(), gid: me.gid() })
        };
        let conf = dovecot_conf(&d, imap_port, imaps_port, lmtp_port, account.as_ref());
        fs::write(d.join("dovecot.conf"), conf).unwrap();

        let dovecot = spawn_dovecot(&d);
        let (smtp_user, smtp_password) = ("hub@example.test".to_owned(), "smtp-secret".to_owned());
        let mut smtp = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/mail/smtp_submission.py"))
            .args(["--starttls-port", &smtp_port.to_string(), "--tls-port", &smtps_port.to_string()])
            .args(["--user", &smtp_user, "--password", &smtp_password, "--lmtp-port", &lmtp_port.to_string()])
            .arg("--cert")
            .arg(d.join("cert.pem"))
            .arg("--key")
            .arg(d.join("key.pem"))
            .arg("--envelopes")
            .arg(d.join("envelopes.jsonl"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(File::create(d.join("smtp.stderr")).unwrap())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 starts");
        let stdout = smtp.stdout.take().unwrap();
        let mut servers = MailServers {
            imap_port,
            imaps_port,
            smtp_port,
            smtps_port,
            ca_pem: fs::read_to_string(d.join("ca.pem")).unwrap(),
            smtp_user,
            smtp_password,
            users: AtomicU32::new(1),
            dovecot,
            smtp,
            dir,
        };
        match servers.wait_until_ready(stdout).await {
            Ok(()) => Ok(servers),
            Err(why) => Err(format!("{why}\n{}", servers.logs())),
        }
    }

    async fn wait_until_ready(&mut self, smtp_stdout: ChildStdout) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        let mut line = String::new();
        match timeout_at(deadline, BufReader::new(smtp_stdout).read_line(&mut line)).await {
            Ok(Ok(_)) if line.trim() == "ready" => {}
            Ok(_) => return Err(format!("the SMTP server stopped before it was ready (it printed {line:?})")),
            Err(_) => return Err("the SMTP server was not ready within 20 s".into()),
        }
        loop {
            if let Ok(Some(status)) = self.dovecot.try_wait() {
                return Err(format!("Dovecot stopped: {status}"));
            }
            if imap_greets(self.imap_port).await {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err("Dovecot did not greet over IMAP within 20 s".into());
            }
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills Dovecot (every connection to it drops) and starts it again on the same ports and
    /// mail; returns once it greets over IMAP again.
    pub async fn restart_imap(&mut self) {
        drop(self.dovecot.stdin.take());
        let _ = self.dovecot.wait().await;
        // Its login and mail processes follow the master out; the ports free up with them.
        let deadline = Instant::now() + STARTUP;
        while imap_greets(self.imap_port).await {
            assert!(Instant::now() < deadline, "Dovecot still answers after being killed");
            sleep(Duration::from_millis(50)).await;
        }
        loop {
            self.dovecot = spawn_dovecot(&self.dir.0);
            let started = Instant::now() + Duration::from_secs(5);
            while Instant::now() < started {
                if imap_greets(self.imap_port).await {
                    return;
                }
                if let Ok(Some(_)) = self.dovecot.try_wait() {
                    break; // a port not free yet: try again
                }
                sleep(Duration::from_millis(50)).await;
            }
            assert!(Instant::now() < deadline, "Dovecot did not start again:\n{}", self.logs());
        }
    }

    /// What the servers wrote, for a failure's message.
    fn logs(&self) -> String {
        ["dovecot.stderr", "dovecot.log", "smtp.stderr"]
            .iter()
            .map(|file| {
                let text = fs::read_to_string(self.dir.0.join(file)).unwrap_or_default();
                let tail = &text[text.floor_char_boundary(text.len().saturating_sub(4000))..];
                format!("--- {file}:\n{tail}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Starts Dovecot in the foreground on the configuration in `d`, killed when its stdin closes.
fn spawn_dovecot(d: &Path) -> Child {
    let out = fs::OpenOptions::new().create(true).append(true).open(d.join("dovecot.stderr")).unwrap();
    Command::new("sh")
        .args(["-c", KILL_WHEN_STDIN_CLOSES, "sh", dovecot_binary(), "-F", "-c"])
        .arg(d.join("dovecot.conf"))
        .stdin(Stdio::piped())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .kill_on_drop(true)
        .spawn()
        .expect("sh starts")
}

impl Drop for MailServers {
    fn drop(&mut self) {
        // Closing their stdin stops both: Dovecot's watcher kills it, the SMTP server exits.
        drop(self.dovecot.stdin.take());
        drop(self.smtp.stdin.take());
        for child in [&mut self.dovecot, &mut self.smtp] {
            let deadline = std::time::Instant::now() + Duration::from_secs(3);
            while let Ok(None) = child.try_wait() {
                if std::time::Instant::now() > deadline {
                    let _ = child.start_kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Whether Dovecot answers on the IMAP port with its greeting.
async fn imap_greets(port: u16) -> bool {
    let greeting = async {
        let mut stream = TcpStream::connect((HOST, port)).await.ok()?;
        let mut start = [0; 4];
        stream.read_exact(&mut start).await.ok()?;
        Some(&start == b"* OK")
    };
    matches!(timeout(Duration::from_secs(2), greeting).await, Ok(Some(true)))
}

/// Who Dovecot runs as when the tests do not run as root.
struct Account {
    user: String,
    group: String,
    uid: u32,
    gid: u32,
}

/// Dovecot's configuration: everything in `dir`, listening on loopback only.
fn dovecot_conf(dir: &Path, imap: u16, imaps: u16, lmtp: u16, account: Option<&Account>) -> String {
    let d = dir.display();
    // As root, Dovecot's own processes keep the Debian package's users (`dovecot`, `dovenull`) and
    // mailboxes belong to `nobody`; as another user, all runs as that user, without chroot.
    let (users, mail_owner, no_chroot) = match account {
        None => (String::new(), format!("uid={NOBODY} gid={NOBODY}"), ""),
        Some(Account { user, group, uid, gid }) => (
            format!("default_internal_user = {user}\ndefault_internal_group = {group}\ndefault_login_user = {user}\n"),
            format!("uid={uid} gid={gid}"),
            "  chroot =\n",
        ),
    };
    format!(
        "protocols = imap lmtp
listen = {HOST}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
{users}ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
# Loopback only; STARTTLS stays offered.
disable_plaintext_auth = no
auth_mechanisms = plain login
# `Shop-1@example.test` and `shop-1` are the same user, for IMAP and for LMTP delivery.
auth_username_format = %Ln
auth_failure_delay = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = static
  args = password=imap-secret
}}
userdb {{
  driver = static
  args = {mail_owner} home={d}/mail/%u allow_all_users=yes
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
service imap-login {{
{no_chroot}  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    port = {lmtp}
  }}
}}
# No growing delays after failed logins (a test may fail some on purpose): without this socket,
# Dovecot's auth penalty is off.
service anvil {{
{no_chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"
    )
}

/// A CA and a certificate it signs for `localhost` and 127.0.0.1, as `ca.pem`, `cert.pem` and
/// `key.pem` in `dir`: a separate CA, since rustls refuses a CA certificate as a server's own, and
/// key usages that strict verifiers (OpenSSL's `-x509_strict`) ask for.
fn make_certificate(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"];
    openssl(
        dir,
        &[
            &["req", "-x509"],
            &ec[..],
            &["-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test CA"],
            &["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ],
    );
    openssl(
        dir,
        &[
            &["req", "-x509", "-CA", "ca.pem", "-CAkey", "ca.key"],
            &ec[..],
            &["-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=localhost"],
            &["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE"],
            &["-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=serverAuth"],
        ],
    );
}

fn openssl(dir: &Path, args: &[&[&str]]) {
    let out = std::process::Command::new("openssl")
        .args(args.concat())
        .current_dir(dir)
        .output()
        .expect("openssl runs (`apt-get install openssl`)");
    assert!(out.status.success(), "openssl failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Five distinct ports that were free a moment ago.
fn free_ports() -> [u16; 5] {
    let listeners: Vec<_> = (0..5).map(|_| std::net::TcpListener::bind((HOST, 0)).unwrap()).collect();
    std::array::from_fn(|i| listeners[i].local_addr().unwrap().port())
}

/// `id`'s answer, e.g. the user's name for `-un`.
fn id(flag: &str) -> String {
    let out = std::process::Command::new("id").arg(flag).output().expect("id runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Debian's Dovecot, even when `/usr/sbin` is not on the PATH.
fn dovecot_binary() -> &'static str {
    if Path::new("/usr/sbin/dovecot").exists() { "/usr/sbin/dovecot" } else { "dovecot" }
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            // Short: Dovecot's sockets live inside, and a socket's path has at most 107 bytes.
            let path = std::env::temp_dir().join(format!("switchboard-mail-{}-{n}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => return TempDir(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Dovecot's last processes may still be leaving for a few milliseconds.
        for _ in 0..5 {
            if fs::remove_dir_all(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
