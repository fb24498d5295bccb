//! Conversion of stored DynamoDB items to the JSON the front end reads.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::store::Item;

/// An item serialized as a JSON object, as the DynamoDB DocumentClient of
/// the replaced service returned it: strings stay strings, numbers become
/// JSON numbers, sets become arrays. Keys come out sorted.
///
/// It writes straight from the item, with no intermediate `serde_json::Value`,
/// because a journal can hold thousands of rows.
pub struct JsonItem<'item>(pub &'item Item);

struct JsonAttribute<'value>(&'value AttributeValue);

impl Serialize for JsonItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_map(self.0, serializer)
    }
}

fn serialize_map<S: Serializer>(item: &Item, serializer: S) -> Result<S::Ok, S::Error> {
    let mut entries: Vec<(&String, &AttributeValue)> = item.iter().collect();
    entries.sort_unstable_by(|left, right| left.0.cmp(right.0));
    let mut map = serializer.serialize_map(Some(entries.len()))?;
    for (name, value) in entries {
        map.serialize_entry(name, &JsonAttribute(value))?;
    }
    map.end()
}

impl Serialize for JsonAttribute<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            AttributeValue::S(text) => serializer.serialize_str(text),
            AttributeValue::N(number) => Number(number).serialize(serializer),
            AttributeValue::Bool(flag) => serializer.serialize_bool(*flag),
            AttributeValue::M(map) => serialize_map(map, serializer),
            AttributeValue::L(values) => {
                let mut list = serializer.serialize_seq(Some(values.len()))?;
                for value in values {
                    list.serialize_element(&JsonAttribute(value))?;
                }
                list.end()
            }
            AttributeValue::Ss(texts) => texts.serialize(serializer),
            AttributeValue::Ns(numbers) => numbers
                .iter()
                .map(|number| Number(number))
                .collect::<Vec<_>>()
                .serialize(serializer),
            AttributeValue::B(blob) => serializer.serialize_str(&encode(blob)),
            AttributeValue::Bs(blobs) => blobs
                .iter()
                .map(encode)
                .collect::<Vec<_>>()
                .serialize(serializer),
            // Null, and any type a later SDK adds.
            _ => serializer.serialize_unit(),
        }
    }
}

/// A DynamoDB number as a JSON number. One that no JSON number can
/// represent exactly (over 64 bits and not a finite float) stays a string.
struct Number<'text>(&'text str);

impl Serialize for Number<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0;
        if let Ok(integer) = text.parse::<i64>() {
            return serializer.serialize_i64(integer);
        }
        if let Ok(integer) = text.parse::<u64>() {
            return serializer.serialize_u64(integer);
        }
        match text.parse::<f64>() {
            Ok(float) if float.is_finite() => serializer.serialize_f64(float),
            _ => serializer.serialize_str(text),
        }
    }
}

fn encode(blob: &Blob) -> String {
    aws_smithy_types::base64::encode(blob.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use std::collections::HashMap;

    fn item_to_json(item: &Item) -> Value {
        serde_json::to_value(JsonItem(item)).unwrap()
    }

    fn number_to_json(number: &str) -> Value {
        serde_json::to_value(Number(number)).unwrap()
    }

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

    #[test]
    fn writes_keys_in_sorted_order() {
        let item: Item = HashMap::from([
            ("b".to_owned(), AttributeValue::S("2".into())),
            ("a".to_owned(), AttributeValue::S("1".into())),
            ("c".to_owned(), AttributeValue::N("3".into())),
        ]);
        let text = serde_json::to_string(&JsonItem(&item)).unwrap();
        assert_eq!(text, r#"{"a":"1","b":"2","c":3}"#);
    }
}
