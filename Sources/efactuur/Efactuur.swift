import ArgumentParser

@main
struct Efactuur: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "efactuur",
        abstract: "E-invoicing for Dutch and Belgian businesses: SI-UBL 2.0, EN 16931 and Peppol BIS 3.",
        subcommands: [Inspect.self, Reformat.self, Demo.self]
    )
}
