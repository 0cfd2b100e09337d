//! "Did you mean …?": the known names nearest a misspelt one, for flags, tools and operations.

/// Up to `limit` of `known` that `given` plausibly meant: within a small edit distance (about a
/// third of the name), else sharing a word (`_`/`-` separated); nearest first, then in the order
/// given.
pub fn closest<'a>(
    given: &str,
    known: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let given = given.to_ascii_lowercase();
    let given_words = words(&given);
    let budget = (given.chars().count() / 3).max(2);
    let mut ranked: Vec<(usize, usize, usize, &str)> = known
        .into_iter()
        .enumerate()
        .filter_map(|(order, name)| {
            let distance = edit_distance(&given, &name.to_ascii_lowercase());
            let shared = words(name)
                .iter()
                .filter(|w| given_words.contains(w))
                .count();
            (distance <= budget || shared > 0).then_some((
                distance,
                usize::MAX - shared,
                order,
                name,
            ))
        })
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(limit)
        .map(|(.., name)| name)
        .collect()
}

fn words(name: &str) -> Vec<String> {
    name.split(['_', '-'])
        .filter(|w| w.len() > 1)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
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
    fn typos_and_shared_words_are_suggested_nearest_first() {
        let tools = [
            "products_list",
            "products_retrieve",
            "categories_list",
            "slow",
        ];
        assert_eq!(
            closest("prodcts_list", tools, 3),
            ["products_list", "categories_list"]
        );
        assert_eq!(closest("list_categories", tools, 1), ["categories_list"]);
        assert!(closest("weather", tools, 3).is_empty());
        assert_eq!(edit_distance("base_url", "base-url"), 1);
    }
}
