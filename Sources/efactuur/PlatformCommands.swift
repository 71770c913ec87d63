import ArgumentParser
import EConnectWire
import Foundation
import Platform
import PlatformPostgres
import PlatformPeppol
import PlatformServer

/// Where the platform keeps its database, and the --json switch, shared by the platform commands.
struct PlatformOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the platform's database.")
    var dataDir: String = "./efactuur-data"

    @Option(name: .long, help: "Keep the platform in PostgreSQL instead (postgres://user[:password]@host[:port]/database), so several instances can share it.")
    var postgres: String?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func service(
        tokenLifetime: TimeInterval = 4 * 3600, mailer: (any DocumentMailer)? = nil, peppol: (any PeppolNetwork)? = nil
    ) async throws -> PlatformService {
        let store: any PlatformStore
        if let postgres {
            store = try await PostgresPlatformStore(url: postgres)
        } else {
            let sqlite = try SQLitePlatformStore(
                path: (dataDir as NSString).appendingPathComponent("platform.sqlite"), ownsFolder: true)
            for warning in sqlite.permissionWarnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            store = sqlite
        }
        return PlatformService(store: store, configuration: .init(tokenLifetime: tokenLifetime, mailer: mailer, peppol: peppol))
    }

    /// Prints `fields` as JSON or as aligned `name: value` lines.
    func emit(_ fields: KeyValuePairs<String, String>) throws {
        if json {
            let object = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let width = fields.map(\.key.count).max() ?? 0
            for (key, value) in fields { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        }
    }

    /// Runs a platform call; a refusal is printed with its stable code and exits 1.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PlatformError {
            if json {
                let data = try JSONSerialization.data(
                    withJSONObject: ["error": error.code, "message": error.message], options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the platform: the native SOAP API v3 (/soap/v3) and v3.1 (/soap/v3.1), WSDL at ?wsdl.")

    @OptionGroup var options: PlatformOptions
    @OptionGroup(title: "Peppol") var peppol: PeppolOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Security token lifetime in seconds.") var tokenLifetime: Double = 4 * 3600
    @Option(help: "SMTP relay for receivers outside the platform (To/EmailAddress); without it they are refused.")
    var smtpHost: String?
    @Option(help: "Port of the SMTP relay.") var smtpPort = 25
    @Option(help: "Sender address of delivery e-mails.") var mailFrom = "noreply@efactuur.local"
    @Option(help: "Seconds a connection may take to send a request head, or stay idle between requests.")
    var idleTimeout = 20
    @Option(help: "Bytes a second a request body must arrive at, after the first 5 seconds.")
    var minUploadRate = 16 * 1024
    @Option(help: "Open connections served at once; beyond it a connection is answered 503.")
    var maxConnections = 512
    @Option(help: "The largest request accepted, in bytes (a 100 MiB document and its envelope).")
    var maxRequestBytes = ServerLimits().maxRequestBytes
    @Option(help: "Request bodies held in memory at once over all connections, in bytes.")
    var bodyBudget = ServerLimits().bodyBudget

    func validate() throws {
        guard (1...65_535).contains(port) || port == 0 else { throw ValidationError("--port must be between 1 and 65535") }
        guard idleTimeout > 0, minUploadRate >= 0, maxConnections > 0, maxRequestBytes > 0, bodyBudget >= maxRequestBytes else {
            throw ValidationError("the limits must be positive, and --body-budget at least --max-request-bytes")
        }
    }

    func run() async throws {
        let mailer = smtpHost.map { SMTPMailer(host: $0, port: smtpPort, from: mailFrom) }
        let peppolSettings = try peppol.settings(defaultURL: "http://\(host):\(port)")
        let service = try await options.service(
            tokenLifetime: tokenLifetime, mailer: mailer, peppol: peppolSettings.map { PeppolGateway(settings: $0) })
        let limits = ServerLimits(
            idleTimeout: .seconds(idleTimeout), minimumUploadRate: minUploadRate,
            maxConnections: ServerLimits.connectionsWithinDescriptorLimit(maxConnections), maxRequestBytes: maxRequestBytes,
            bodyBudget: bodyBudget)
        let app = PlatformHTTPServer.makeApplication(
            service: service, host: host, port: port, limits: limits,
            peppol: peppolSettings.map { PeppolAccessPoint(settings: $0, platform: service) })
        FileHandle.standardError.write(
            Data("efactuur platform on http://\(host):\(port)/soap/v3.1 (data: \(options.postgres == nil ? options.dataDir : "PostgreSQL"))\n".utf8))
        if let peppolSettings {
            FileHandle.standardError.write(
                Data("Peppol access point \(peppolSettings.identity.partyID): AS4 at \(peppolSettings.publicURL)/as4, SMP at \(peppolSettings.publicURL)/smp, SML zone \(peppolSettings.smlZone)\n".utf8))
        }
        try await app.runService()
    }
}

struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform", abstract: "Manage the platform: accounts, organisations, connection keys, documents.",
        subcommands: [AccountCommand.self, OrganisationCommand.self, KeysCommand.self, DocumentCommand.self])

    struct DocumentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "document", abstract: "Documents the platform holds.", subcommands: [Show.self])

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Show a document: sender, receiver, route, status and the SHA-256 of its exact bytes.")
            @OptionGroup var options: PlatformOptions
            @Argument(help: "The document's ExternalId (its Delivery ID, XCNIN…).") var externalID: String
            @Option(help: "Also write the document's exact bytes to this file ('-' for standard output).")
            var payload: String?

            func run() async throws {
                try await options.run {
                    guard let document = try await options.service().store.document(externalID: externalID) else {
                        throw PlatformError.notFound(kind: "document", id: externalID)
                    }
                    if let payload {
                        let bytes = Data(document.payload.utf8)
                        if payload == "-" {
                            FileHandle.standardOutput.write(bytes)
                            return
                        }
                        do {
                            try bytes.write(to: URL(fileURLWithPath: payload), options: .atomic)
                        } catch {
                            throw PlatformError.invalidInput(field: "--payload", reason: "cannot write \(payload)")
                        }
                    }
                    try options.emit([
                        "externalId": document.externalID, "subject": document.subject,
                        "sender": "\(document.senderPartyID) \(document.senderName)",
                        "receiver": document.receiverPartyID.map { "\($0) \(document.receiverName ?? "")" }
                            ?? document.receiverEmail ?? document.receiverReference,
                        "route": document.route.rawValue, "status": "\(document.status.status.code) \(document.status.status.name)",
                        "revision": String(document.revision), "bytes": String(document.payload.utf8.count),
                        "sha256": document.payloadSHA256,
                    ])
                }
            }
        }
    }

    struct AccountCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "account", abstract: "Platform accounts.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an account; prints its id.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account's name.") var name: String
            @Option(help: "The account holder's e-mail address.") var email: String
            @Option(help: "free, basic, professional or enterprise; the API needs at least basic.")
            var subscription: String = "basic"

            func run() async throws {
                guard let level = Subscription(rawValue: subscription.lowercased()) else {
                    throw ValidationError("--subscription must be one of free, basic, professional, enterprise")
                }
                try await options.run {
                    let account = try await options.service().createAccount(name: name, email: email, subscription: level)
                    try options.emit(["account": account.id, "name": account.name, "subscription": account.subscription.rawValue])
                }
            }
        }
    }

    struct OrganisationCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org", abstract: "Organisations and their Bedrijfs-IDs.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an organisation; prints its Bedrijfs-ID.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account it belongs to (ACC…).") var account: String
            @Option(help: "The organisation's name.") var name: String
            @Option(help: "ISO 3166 country code.") var country = "NL"
            @Option(help: "KvK number (8 digits).") var kvk: String?
            @Option(help: "OIN (20 digits), for government organisations.") var oin: String?
            @Option(help: "VAT number (NL…B.. or BE…).") var vat: String?
            @Option(help: "Belgian enterprise number (KBO/BCE).") var kbo: String?

            func run() async throws {
                try await options.run {
                    let organisation = try await options.service().createOrganisation(
                        accountID: account, name: name, country: country, kvk: kvk, oin: oin, vat: vat, kbo: kbo)
                    try options.emit([
                        "bedrijfsId": organisation.partyID, "name": organisation.name,
                        "reference": organisation.referenceID,
                    ])
                }
            }
        }
    }

    struct KeysCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys", abstract: "Connection keys (App Key and Secret).", subcommands: [Create.self, Revoke.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create",
                abstract: "Create a connection key; prints the App Key, the Secret (shown only now) and the Quick Connect text.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The organisation's Bedrijfs-ID (XCNL…).") var org: String
            @Option(help: "E-mail of the account administrator creating the key.") var email: String

            func run() async throws {
                try await options.run {
                    let (key, secret) = try await options.service().createConnectionKey(partyID: org, email: email)
                    let quickConnect = QuickConnect(appKey: key.appKey, secret: secret, email: key.email, companyID: key.partyID)
                    try options.emit([
                        "appKey": key.appKey, "secret": secret, "companyId": key.partyID,
                        "quickConnect": quickConnect.description,
                    ])
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke",
                abstract: "Revoke a connection key and every security token issued with it.")
            @OptionGroup var options: PlatformOptions
            @Argument(help: "The App Key.") var appKey: String

            func run() async throws {
                try await options.run {
                    try await options.service().revokeConnectionKey(appKey: appKey)
                    try options.emit(["revoked": appKey])
                }
            }
        }
    }
}
