//! Unit tests of the routing table.

use super::{Route, resolve};
use crate::endpoint::Endpoint;

#[test]
fn work_endpoints_carry_their_answer() {
    assert_eq!(
        resolve("POST", "/v1/generate"),
        Route::Work {
            endpoint: Endpoint::Generate,
            body: r#"{"tokens":64,"steps":5}"#.into()
        }
    );
    assert_eq!(
        resolve("POST", "/v1/embed?model=small"),
        Route::Work {
            endpoint: Endpoint::Embed,
            body: r#"{"dimensions":384,"steps":1}"#.into()
        }
    );
    assert_eq!(
        resolve("GET", "/v1/documents/42"),
        Route::Work {
            endpoint: Endpoint::Document,
            body: r#"{"id":42,"steps":2}"#.into()
        }
    );
}

#[test]
fn the_runtime_stats_take_get() {
    assert_eq!(resolve("GET", "/runtime"), Route::Runtime);
    assert!(matches!(
        resolve("POST", "/runtime"),
        Route::MethodNotAllowed { allow: "GET", .. }
    ));
}

#[test]
fn group_paths_go_to_the_group_whatever_the_method() {
    for path in ["/stats", "/metrics", "/log-status", "/stats?pretty"] {
        assert_eq!(resolve("GET", path), Route::Group);
        assert_eq!(resolve("DELETE", path), Route::Group);
    }
}

#[test]
fn bad_ids_unknown_paths_and_wrong_methods() {
    assert!(
        matches!(resolve("GET", "/v1/documents/abc"), Route::BadRequest(m) if m.contains("`abc`"))
    );
    assert!(matches!(
        resolve("GET", "/v1/documents/"),
        Route::BadRequest(_)
    ));
    assert!(matches!(
        resolve("GET", "/v1/documents/1/2"),
        Route::NotFound(_)
    ));
    assert!(matches!(resolve("GET", "/"), Route::NotFound(_)));
    assert!(matches!(
        resolve("GET", "/v1/generate"),
        Route::MethodNotAllowed { allow: "POST", .. }
    ));
    assert!(matches!(
        resolve("POST", "/v1/documents/7"),
        Route::MethodNotAllowed { allow: "GET", .. }
    ));
    assert!(matches!(
        resolve("HEAD", "/health"),
        Route::MethodNotAllowed { allow: "GET", .. }
    ));
    assert_eq!(resolve("GET", "/health"), Route::Health);
}
