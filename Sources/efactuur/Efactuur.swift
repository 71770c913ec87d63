import ArgumentParser
import Foundation

@main
struct Efactuur: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "efactuur",
        abstract: "E-invoicing for Dutch and Belgian businesses: SI-UBL 2.0, EN 16931 and Peppol BIS 3.",
        version: "efactuur 0.13.0",
        subcommands: [
            Demo.self, Validate.self, Inspect.self, Reformat.self, Render.self, Serve.self, PlatformCommand.self, PeppolCommand.self,
            BooksCommand.self,
        ]
    )

    /// As ArgumentParser's, except that a usage error exits with 2 (scripts tell it apart from an
    /// invalid document, 1) instead of 64.
    static func main() async {
        do {
            var arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "serve" {
                do {
                    arguments = try await ServeConfiguration.arguments(arguments, environment: ProcessInfo.processInfo.environment)
                } catch let failure as ServeConfiguration.Failure {
                    FileHandle.standardError.write(Data("efactuur: \(failure)\n".utf8))
                    Foundation.exit(2)
                }
            }
            var command = try parseAsRoot(arguments)
            if let serve = command as? Serve {
                try serve.logging.bootstrap(json: serve.options.json)
            } else {
                try LogOptions.bootstrap(level: nil, json: false)
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
