//! The people who work in the inbox and what each may do.

use crate::names::named_enum;

named_enum! {
    /// What a staff member may do. Agents answer customers; admins also manage staff, channels,
    /// canned responses and labels.
    StaffRole as "staff role" {
        Admin = "admin",
        Agent = "agent",
    }
}

impl StaffRole {
    /// Whether this role may manage the workspace (staff, channels, settings).
    pub fn can_administer(self) -> bool {
        self == StaffRole::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_admin_administers() {
        assert!(StaffRole::Admin.can_administer());
        assert!(!StaffRole::Agent.can_administer());
        assert_eq!("agent".parse::<StaffRole>().unwrap(), StaffRole::Agent);
        assert!("owner".parse::<StaffRole>().is_err());
    }
}
