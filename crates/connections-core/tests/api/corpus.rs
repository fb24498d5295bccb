//! Replays the committed corpus of request bodies in `tests/corpus/`. Each
//! file name starts with the status its body must get. The corpus holds
//! the kinds of body that break JSON APIs: wrong types, duplicate keys,
//! injection and look-alike IDs, invalid UTF-8, deep nesting, huge sizes.

use std::path::Path;

use connections_core::Endpoint;
use devtools::harness::{TestEnv, connection_key, sample_event};
use serde_json::json;

#[tokio::test]
async fn corpus_bodies_get_their_status() {
    let env = TestEnv::with_demo_data("corpus").await;
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus is missing files");

    let base = sample_event("create-interaction/http-base64-body.json");
    for name in names {
        let bytes = std::fs::read(folder.join(&name)).unwrap();
        let expected: u16 = name[..3].parse().expect("file names start with a status");
        // Base64 carries every byte, invalid UTF-8 included, as API Gateway does.
        let mut event = base.clone();
        event["body"] = json!(aws_smithy_types::base64::encode(&bytes));
        let reply = env.call(Endpoint::CreateInteraction, &event).await;
        assert_eq!(reply.status.as_u16(), expected, "{name}: {}", reply.body);
        assert!(
            reply.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{name}"
        );
        // Valid bodies connect Ada with Ken; undo it so the next file starts clean.
        if expected == 200 {
            assert_eq!(reply.body["name"], "Ken Turing", "{name}");
            for (owner, other) in [
                ("BraveOtterSings", "QuietCometSings"),
                ("QuietCometSings", "BraveOtterSings"),
            ] {
                env.client
                    .delete_item()
                    .table_name(&env.tables.profiles)
                    .set_key(Some(connection_key(owner, other)))
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
    env.cleanup().await;
}
