//! "Did you mean …?" for names in the config that match nothing in the spec.

/// The name of `known` nearest to `given` (case-insensitive), when it is a plausible typo:
/// within an edit distance of about a third of the name.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_ascii_lowercase();
    let budget = (given.chars().count() / 3).max(2);
    known
        .into_iter()
        .map(|name| (edit_distance(&given, &name.to_ascii_lowercase()), name))
        .filter(|(distance, _)| *distance <= budget)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// `; did you mean `x`?`, or nothing.
pub fn hint<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(given, known)
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_and_strangers_are_not() {
        let known = ["X-CSRFToken", "Accept-Language", "products_list"];
        assert_eq!(closest("x-csrf-token", known), Some("X-CSRFToken"));
        assert_eq!(closest("prodcuts_list", known), Some("products_list"));
        assert_eq!(closest("weather", known), None);
        assert_eq!(
            hint("Accept-Langauge", known),
            "; did you mean `Accept-Language`?"
        );
    }
}
