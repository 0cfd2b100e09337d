//! Generates the server module from the example app's schema on every build.

fn main() {
    // The drift tests swap in changed versions of the schema through this variable.
    println!("cargo:rerun-if-env-changed=SHOP_SPEC");
    let spec = std::env::var("SHOP_SPEC").unwrap_or_else(|_| "../schema.yml".to_owned());
    if let Err(err) = spec2mcp::Builder::new(spec).name("shop-mcp").run() {
        eprintln!("{err}");
        std::process::exit(1);
    }
}
