//! Execution and node statuses as open enums: the known values, plus `Unknown` for anything the
//! service starts sending later, kept verbatim.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, terminal = $terminal:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know, exactly as the service sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(s) => s,
                }
            }

            /// `Some(true)` for a status that never changes again, `Some(false)` for one that
            /// will, and `None` for an unknown status (decide from other evidence, such as an
            /// end time).
            pub fn is_terminal(&self) -> Option<bool> {
                match self {
                    $( Self::$variant => Some($terminal), )*
                    Self::Unknown(_) => None,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

open_enum! {
    /// The status of an execution.
    ///
    /// The API documents no closed list; these are the values its documentation and its workflow
    /// status filter use. Anything else is kept in [`ExecutionStatus::Unknown`].
    ///
    /// ```
    /// use aom_workflow::ExecutionStatus;
    /// assert_eq!(ExecutionStatus::from("fail"), ExecutionStatus::Fail);
    /// assert_eq!(ExecutionStatus::Fail.is_terminal(), Some(true));
    /// let later = ExecutionStatus::from("hibernating");
    /// assert_eq!(later.as_str(), "hibernating");
    /// assert_eq!(later.is_terminal(), None);
    /// ```
    ExecutionStatus {
        /// Running.
        Executing = "executing", terminal = false;
        /// Finished successfully.
        Success = "success", terminal = true;
        /// Finished with a failure.
        Fail = "fail", terminal = true;
        /// Terminated.
        Cancel = "cancel", terminal = true;
        /// Being terminated.
        Canceling = "canceling", terminal = false;
        /// Stopped at a node that waits for `continue`, `skip` or `restart`.
        Pausing = "pausing", terminal = false;
        /// Queued, not started yet.
        WaitExecute = "waitExecute", terminal = false;
        /// Waiting for a manual approval.
        WaitApproval = "waitApproval", terminal = false;
        /// The approval was refused; the execution will not run.
        ApprovalFailed = "approvalFailed", terminal = true;
    }
}

open_enum! {
    /// The status of one node of an execution. A node's status says whether the node itself
    /// ran to the end; individual hosts may still have failed (see the node's host results).
    NodeStatus {
        /// Running.
        Executing = "executing", terminal = false;
        /// Finished.
        Success = "success", terminal = true;
        /// Failed.
        Fail = "fail", terminal = true;
        /// Skipped by a `skip` action.
        Skip = "skip", terminal = true;
        /// Stopped by a termination.
        Cancel = "cancel", terminal = true;
        /// Waiting for `continue`, `skip` or `restart`.
        Pausing = "pausing", terminal = false;
        /// Not started yet.
        WaitExecute = "waitExecute", terminal = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_and_unknown_values() {
        for s in [
            "executing",
            "success",
            "fail",
            "cancel",
            "waitApproval",
            "brandNew",
        ] {
            let status = ExecutionStatus::from(s);
            assert_eq!(status.as_str(), s);
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<ExecutionStatus>(&json).unwrap(),
                status
            );
        }
        assert_eq!(
            ExecutionStatus::from("brandNew"),
            ExecutionStatus::Unknown("brandNew".into())
        );
        assert_eq!(NodeStatus::from("skip"), NodeStatus::Skip);
    }
}
