//! Conversion of stored DynamoDB items to the JSON the front end reads.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Number, Value};

use crate::store::Item;

/// Converts an item to a JSON object, as the DynamoDB DocumentClient of
/// the replaced service did: strings stay strings, numbers become JSON
/// numbers, sets become arrays.
pub fn item_to_json(item: &Item) -> Value {
    Value::Object(item_to_map(item))
}

fn item_to_map(item: &Item) -> Map<String, Value> {
    item.iter()
        .map(|(name, value)| (name.clone(), to_json(value)))
        .collect()
}

fn to_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(text) => Value::String(text.clone()),
        AttributeValue::N(number) => number_to_json(number),
        AttributeValue::Bool(flag) => Value::Bool(*flag),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::M(map) => Value::Object(item_to_map(map)),
        AttributeValue::L(list) => Value::Array(list.iter().map(to_json).collect()),
        AttributeValue::Ss(texts) => {
            Value::Array(texts.iter().cloned().map(Value::String).collect())
        }
        AttributeValue::Ns(numbers) => {
            Value::Array(numbers.iter().map(|n| number_to_json(n)).collect())
        }
        AttributeValue::B(blob) => blob_to_json(blob),
        AttributeValue::Bs(blobs) => Value::Array(blobs.iter().map(blob_to_json).collect()),
        _ => Value::Null,
    }
}

/// A DynamoDB number as a JSON number; one that no JSON number can hold
/// exactly (over 64 bits and not a finite float) stays a string.
fn number_to_json(number: &str) -> Value {
    if let Ok(integer) = number.parse::<i64>() {
        return Value::Number(integer.into());
    }
    if let Ok(integer) = number.parse::<u64>() {
        return Value::Number(integer.into());
    }
    number
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(number.to_owned()))
}

fn blob_to_json(blob: &Blob) -> Value {
    Value::String(aws_smithy_types::base64::encode(blob.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    #[test]
    fn converts_scalar_types() {
        let item: Item = HashMap::from([
            ("s".to_owned(), AttributeValue::S("text".into())),
            ("n".to_owned(), AttributeValue::N("1700000000123".into())),
            ("f".to_owned(), AttributeValue::N("2.5".into())),
            ("b".to_owned(), AttributeValue::Bool(true)),
            ("z".to_owned(), AttributeValue::Null(true)),
        ]);
        assert_eq!(
            item_to_json(&item),
            json!({"s": "text", "n": 1700000000123i64, "f": 2.5, "b": true, "z": null})
        );
    }

    #[test]
    fn converts_nested_and_set_types() {
        let item: Item = HashMap::from([
            (
                "m".to_owned(),
                AttributeValue::M(HashMap::from([(
                    "k".to_owned(),
                    AttributeValue::Bool(false),
                )])),
            ),
            (
                "l".to_owned(),
                AttributeValue::L(vec![AttributeValue::N("1".into())]),
            ),
            ("ss".to_owned(), AttributeValue::Ss(vec!["a".into()])),
            ("ns".to_owned(), AttributeValue::Ns(vec!["7".into()])),
        ]);
        assert_eq!(
            item_to_json(&item),
            json!({"m": {"k": false}, "l": [1], "ss": ["a"], "ns": [7]})
        );
    }

    #[test]
    fn keeps_numbers_beyond_json_range_as_text() {
        let huge = "1".repeat(40) + "e999";
        assert_eq!(number_to_json(&huge), Value::String(huge.clone()));
        assert_eq!(
            number_to_json("18446744073709551615"),
            json!(18446744073709551615u64)
        );
    }
}
