//! The host side of a game: the bindings of a game ABI's imports, the checks of its
//! contract, and the per-frame display list the bindings fill.
//!
//! Plain data only: nothing here knows about macroquad or windows. The app renders the
//! display list; tests record it.

pub mod contract;
pub mod display_list;
pub mod rocket;

pub use display_list::DrawCall;
pub use rocket::{Action, GameError, RocketGame};
