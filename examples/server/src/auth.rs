//! Staff accounts, password checks, signed session tokens and sign-in
//! rate limiting.
//!
//! Accounts come from a TOML file (people, their organisation and roles,
//! argon2id password hashes: `sigap hash-password` prints one). A session
//! token is `user.org.expiry.nonce.mac`, signed with HMAC-SHA256 under the
//! server's key, so several processes sharing the key accept each other's
//! sessions; signing out revokes the token in this process and, by its
//! SHA-256, in the store every process shares, until it expires
//! (`api::staff::sign_out`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sigap_core::engine::Principal;

/// One person's account.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Account {
    /// The sign-in name.
    pub(crate) user: String,
    /// The person's name, for pages.
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// The organisation (tenant) they work for.
    pub(crate) organisation: String,
    /// Their roles there.
    pub(crate) roles: Vec<String>,
    /// Where staff notifications go.
    #[serde(default)]
    pub(crate) email: Option<String>,
    /// argon2id PHC string.
    pub(crate) password_hash: String,
}

impl Account {
    /// The engine's principal for this account.
    pub(crate) fn principal(&self) -> Principal {
        Principal::Staff { user: self.user.clone(), roles: self.roles.clone() }
    }

    /// The name to show.
    pub(crate) fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.user)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(default)]
    accounts: Vec<Account>,
}

/// All accounts, by user name.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    by_user: BTreeMap<String, Account>,
    dummy: std::sync::OnceLock<String>,
}

impl Accounts {
    /// Reads an accounts file.
    pub(crate) fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read accounts {}: {e}", path.display()))?;
        let file: AccountsFile = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a valid accounts file: {e}", path.display()))?;
        let mut accounts = Accounts::default();
        for account in file.accounts {
            PasswordHash::new(&account.password_hash).map_err(|e| {
                anyhow::anyhow!(
                    "{}: the password hash of `{}` is not a PHC string ({e}); make one with `sigap hash-password`",
                    path.display(),
                    account.user
                )
            })?;
            accounts.insert(account)?;
        }
        Ok(accounts)
    }

    /// Adds an account; a user name is unique across organisations.
    pub(crate) fn insert(&mut self, account: Account) -> anyhow::Result<()> {
        if self.by_user.contains_key(&account.user) {
            anyhow::bail!("the user name `{}` is used twice", account.user);
        }
        self.by_user.insert(account.user.clone(), account);
        Ok(())
    }

    /// An account by user name.
    pub(crate) fn get(&self, user: &str) -> Option<&Account> {
        self.by_user.get(user)
    }

    /// Every account.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Account> {
        self.by_user.values()
    }

    /// Accounts of an organisation holding a role.
    pub(crate) fn holding<'a>(
        &'a self,
        organisation: &'a str,
        role: &'a str,
    ) -> impl Iterator<Item = &'a Account> + 'a {
        self.by_user.values().filter(move |a| a.organisation == organisation && a.roles.iter().any(|r| r == role))
    }

    /// Checks a password; the same work is done for unknown users, so timing does not tell them apart.
    pub(crate) fn verify(&self, user: &str, password: &str) -> Option<&Account> {
        let dummy = self.dummy.get_or_init(|| hash_password("no such user").unwrap_or_default());
        let account = self.by_user.get(user);
        let hash = account.map_or(dummy.as_str(), |a| a.password_hash.as_str());
        let ok = PasswordHash::new(hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
        if ok { account } else { None }
    }
}

/// An argon2id hash of a password, as a PHC string.
pub(crate) fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks session tokens and CSRF tokens.
pub(crate) struct Signer {
    key: Vec<u8>,
}

/// What a valid session token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// The account.
    pub(crate) user: String,
    /// When it expires.
    pub(crate) expires: DateTime<Utc>,
    /// The token itself (for revocation).
    pub(crate) token: String,
}

impl Signer {
    /// A signer with `key` (at least 32 bytes).
    pub(crate) fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    /// Loads the key file, creating it (mode 0600) with 32 random bytes when absent.
    pub(crate) fn from_file(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read(path) {
            Ok(key) if key.len() >= 32 => Ok(Self::new(key)),
            Ok(_) => anyhow::bail!("the key file {} is shorter than 32 bytes", path.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let key = random_bytes::<32>()?.to_vec();
                write_private(path, &key)?;
                Ok(Self::new(key))
            }
            Err(e) => anyhow::bail!("cannot read the key file {}: {e}", path.display()),
        }
    }

    fn hmac(&self, parts: &[&str]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(b"\x1f");
        }
        mac
    }

    fn mac(&self, parts: &[&str]) -> String {
        hex(&self.hmac(parts).finalize().into_bytes())
    }

    /// Whether `tag` (lowercase hex) is the MAC of `parts`, compared in
    /// constant time (`Mac::verify_slice`).
    fn verify(&self, parts: &[&str], tag: &str) -> bool {
        // Upper-case hex was never issued: refusing it keeps one spelling per token.
        tag.bytes().all(|b| !b.is_ascii_uppercase())
            && ::hex::decode(tag).is_ok_and(|bytes| self.hmac(parts).verify_slice(&bytes).is_ok())
    }

    /// A new session token for `user`, valid for `hours`.
    pub(crate) fn issue(&self, user: &str, now: DateTime<Utc>, hours: u32) -> anyhow::Result<Session> {
        let expires = now + TimeDelta::hours(i64::from(hours));
        let nonce = hex(&random_bytes::<16>()?);
        let expiry = expires.timestamp().to_string();
        let mac = self.mac(&["session", user, &expiry, &nonce]);
        Ok(Session { user: user.to_owned(), expires, token: format!("{user}.{expiry}.{nonce}.{mac}") })
    }

    /// The session a token proves, if it is genuine and unexpired.
    pub(crate) fn check(&self, token: &str, now: DateTime<Utc>) -> Option<Session> {
        let mut parts = token.rsplitn(4, '.');
        let (mac, nonce, expiry, user) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if !self.verify(&["session", user, expiry, nonce], mac) {
            return None;
        }
        let expires = DateTime::from_timestamp(expiry.parse().ok()?, 0)?;
        (now < expires).then(|| Session { user: user.to_owned(), expires, token: token.to_owned() })
    }

    /// A CSRF token bound to a session (or, before sign-in, to a per-browser nonce).
    pub(crate) fn csrf(&self, binding: &str) -> String {
        self.mac(&["csrf", binding])
    }

    /// Whether a CSRF token matches its binding.
    pub(crate) fn check_csrf(&self, binding: &str, token: &str) -> bool {
        self.verify(&["csrf", binding], token)
    }

    /// A signature over a webhook body with a shared secret.
    pub(crate) fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        hex(&mac.finalize().into_bytes())
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the operating system gave no randomness: {e}"))?;
    Ok(bytes)
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file =
        options.open(path).map_err(|e| anyhow::anyhow!("cannot create the key file {}: {e}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Tokens signed out in this process, until they expire (checked before the
/// store, which holds every process's sign-outs).
#[derive(Default)]
pub(crate) struct Revoked {
    tokens: Mutex<HashMap<String, DateTime<Utc>>>,
}

impl Revoked {
    pub(crate) fn revoke(&self, session: &Session, now: DateTime<Utc>) {
        let mut tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(session.token.clone(), session.expires);
    }

    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains_key(token)
    }
}

/// Limits failed sign-ins per user name and per client address.
pub(crate) struct SignInLimiter {
    window: Duration,
    max_failures: usize,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl SignInLimiter {
    /// At most `max_failures` failures per key within `window`.
    pub(crate) fn new(max_failures: usize, window: Duration) -> Self {
        Self { window, max_failures, failures: Mutex::default() }
    }

    /// Whether any of `keys` is locked out now; if so, for how long.
    pub(crate) fn locked(&self, keys: &[String]) -> Option<Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.iter()
            .filter_map(|key| {
                let list = failures.get_mut(key)?;
                list.retain(|t| now.duration_since(*t) < self.window);
                (list.len() >= self.max_failures).then(|| self.window - now.duration_since(list[0]))
            })
            .max()
    }

    /// Records a failure for each key.
    pub(crate) fn fail(&self, keys: &[String]) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if failures.len() > 100_000 {
            failures.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < self.window));
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push(now);
        }
    }

    /// Forgets a user's failures after a successful sign-in.
    pub(crate) fn succeed(&self, user_key: &str) {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(user_key);
    }
}

/// Demo accounts: one per staff role of each workflow, password `sigap-demo`.
pub(crate) fn demo_accounts(workflows: &[sigap_core::workflow::Workflow]) -> anyhow::Result<Vec<Account>> {
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut roles: Vec<(String, String, String)> = Vec::new();
    for workflow in workflows {
        for role in &workflow.definition.file().roles {
            if role.kind == sigap_core::definition::RoleKind::Staff
                && seen.insert((workflow.organisation().to_owned(), role.id.clone()))
            {
                roles.push((workflow.organisation().to_owned(), role.id.clone(), role.label.clone()));
            }
        }
    }
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut names: HashMap<String, usize> = HashMap::new();
    for (_, role, _) in &roles {
        *names.entry(role.clone()).or_default() += 1;
    }
    Ok(roles
        .into_iter()
        .map(|(organisation, role, label)| Account {
            user: if names[&role] > 1 { format!("{organisation}.{role}") } else { role.clone() },
            name: Some(format!("Demo — {label}")),
            organisation,
            roles: vec![role],
            email: None,
            password_hash: hash.clone(),
        })
        .collect())
}

/// The published password of demo accounts.
pub(crate) const DEMO_PASSWORD: &str = "sigap-demo";

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::Signer;

    #[test]
    fn a_session_token_holds_only_as_issued_and_until_it_expires() {
        let signer = Signer::new(vec![7; 32]);
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
        let session = signer.issue("analis", now, 8).unwrap();
        assert_eq!(signer.check(&session.token, now).map(|s| s.user).as_deref(), Some("analis"));
        assert!(signer.check(&session.token, now + TimeDelta::hours(8)).is_none(), "expired");
        let (body, mac) = session.token.rsplit_once('.').unwrap();
        let flipped = if mac.starts_with('0') { mac.replacen('0', "1", 1) } else { format!("0{}", &mac[1..]) };
        assert!(signer.check(&format!("{body}.{flipped}"), now).is_none(), "one digit changed");
        assert!(signer.check(&format!("{body}.{}", mac.to_uppercase()), now).is_none(), "another spelling");
        assert!(signer.check(&format!("{body}.{}", &mac[..62]), now).is_none(), "a truncated MAC");
        assert!(signer.check(&session.token.replacen("analis", "kepala", 1), now).is_none(), "another user");
        assert!(Signer::new(vec![8; 32]).check(&session.token, now).is_none(), "another key");
    }

    #[test]
    fn a_csrf_token_is_bound_to_its_binding() {
        let signer = Signer::new(vec![7; 32]);
        let token = signer.csrf("session:abc");
        assert!(signer.check_csrf("session:abc", &token));
        assert!(!signer.check_csrf("session:abd", &token));
        assert!(!signer.check_csrf("session:abc", "not hex"));
        assert!(!signer.check_csrf("session:abc", ""));
    }
}
