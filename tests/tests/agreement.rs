//! The agreement property over every crate the repository generates: any arguments a tool's
//! advertised input schema accepts, its parser accepts (see `tests/agreement`). The corpus runs
//! the same check over real specs (`cargo xtask corpus`).

#[test]
fn every_checked_in_crate_parses_what_its_schemas_accept() {
    let apis = [
        ("generated-example", &shop_mcp::api::API),
        ("shop-writes", &shop_writes_mcp::api::API),
        ("types-zoo", &zoo_mcp::api::API),
        ("naming-edges", &naming_mcp::api::API),
        ("petstore", &petstore_mcp::api::API),
    ];
    for (name, api) in apis {
        let report = spec2mcp_agreement::check_api(api);
        assert!(
            report.holds(),
            "{name}: {} disagreement(s):\n{}",
            report.disagreements.len(),
            report
                .disagreements
                .iter()
                .map(|d| format!("  {d}\n"))
                .collect::<String>()
        );
        // The check must have had something to check: every tool got accepted arguments.
        assert!(
            report.accepted >= report.tools,
            "{name}: only {} accepted argument objects for {} tools",
            report.accepted,
            report.tools
        );
    }
}
