import ArgumentParser
import EConnectWire
import EInvoice
import Foundation
import Platform
import PlatformPeppol
import PlatformPostgres
import PlatformServer

/// Where the platform keeps its database, and the --json switch, shared by the platform commands.
struct PlatformOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the platform's database.")
    var dataDir: String = "./efactuur-data"

    @Option(
        name: .long,
        help: "Keep the platform in PostgreSQL instead (postgres://user[:password]@host[:port]/database), so several instances can share it.")
    var postgres: String?

    @Flag(name: .long, help: "Print the result as JSON (for serve: every log line as a JSON object).")
    var json = false

    /// The platform in `--postgres` or `--data-dir`. Only the commands that start a platform
    /// (`serve`, `platform account create`) pass `creating`; the others refuse a folder that holds
    /// none, so a mistyped `--data-dir` is not a new, empty platform.
    func service(creating: Bool = false) async throws -> PlatformService {
        PlatformService(store: try await store(creating: creating))
    }

    func store(creating: Bool) async throws -> any PlatformStore {
        let store: any PlatformStore
        if let postgres {
            store = try await PostgresPlatformStore(url: postgres)
        } else {
            let file = (dataDir as NSString).appendingPathComponent("platform.sqlite")
            guard creating || FileManager.default.fileExists(atPath: file) else {
                throw CommandFailure(
                    "no platform in '\(dataDir)' (no platform.sqlite there); check --data-dir, or start one with "
                        + "'efactuur platform account create' or 'efactuur serve'", code: "platform.no-data")
            }
            let sqlite = try SQLitePlatformStore(
                path: (dataDir as NSString).appendingPathComponent("platform.sqlite"), ownsFolder: true)
            for warning in sqlite.permissionWarnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            store = sqlite
        }
        return store
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
            try fail(code: error.code.rawValue, message: error.message)
        } catch let failure as CommandFailure {
            try fail(code: failure.code, message: failure.message)
        } catch let error as PrivateFilesError {
            try fail(code: "platform.data-dir", message: error.description)
        } catch let error as PlatformStoreError {
            try fail(code: error.code.rawValue, message: error.message)
        }
    }

    private func fail(code: String, message: String) throws -> Never {
        if json {
            let data = try JSONSerialization.data(withJSONObject: ["error": code, "message": message], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            FileHandle.standardError.write(Data("error: \(message) [\(code)]\n".utf8))
        }
        throw ExitCode(1)
    }

    /// Prints rows as a JSON array of objects or as aligned columns under a header.
    func emit(table rows: [KeyValuePairs<String, String>], columns: [String]) throws {
        if json {
            let objects = rows.map { Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }) }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let cells = rows.map { row in columns.map { column in row.first { $0.key == column }?.value ?? "" } }
        let widths = columns.indices.map { index in ([columns[index]] + cells.map { $0[index] }).map(\.count).max() ?? 0 }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        print(line(columns))
        for row in cells { print(line(row)) }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the platform: the native SOAP API v3 (/soap/v3) and v3.1 (/soap/v3.1), WSDL at ?wsdl.",
        discussion: """
            Also /health, and /metrics in Prometheus' text format. Every option can come from the \
            environment instead (EFACTUUR_ and its name in capitals with _ for -: EFACTUUR_POSTGRES, \
            EFACTUUR_PORT, EFACTUUR_JSON=true) or from the --config file; the command line wins, then the \
            environment, then the file.
            """)

    @OptionGroup var options: PlatformOptions
    @OptionGroup(title: "Logs (--json: one JSON object per log line)") var logging: LogOptions
    @Option(
        help: ArgumentHelp(
            "A JSON file of these options by name ({\"port\": 8443, \"postgres\": \"postgres://…\"}); the command line wins, then EFACTUUR_<NAME> variables, then the file.",
            valueName: "file"))
    var config: String?
    @OptionGroup(title: "Peppol") var peppol: PeppolOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Security token lifetime in seconds.") var tokenLifetime = 4 * 3600
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
    @Option(
        help:
            "This platform's address as people and other access points reach it (default: http://HOST:PORT); an https address makes the portal's cookies Secure."
    )
    var publicURL: String?
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "The IP address of a reverse proxy in front of serve whose X-Forwarded-For and X-Forwarded-Proto are believed (repeat it, or separate addresses with commas); anyone else's are ignored.",
            valueName: "address"))
    var trustedProxies: [String] = []

    var proxyAddresses: [String] {
        trustedProxies.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        for address in proxyAddresses where !ProxyPolicy.isIPAddress(address) {
            throw ValidationError("--trusted-proxy takes IP addresses; '\(address)' is not one")
        }
        guard (1...65_535).contains(port) || port == 0 else { throw ValidationError("--port must be between 1 and 65535") }
        guard idleTimeout > 0, minUploadRate >= 0, maxConnections > 0, maxRequestBytes > 0, bodyBudget >= maxRequestBytes else {
            throw ValidationError("the limits must be positive, and --body-budget at least --max-request-bytes")
        }
    }

    func run() async throws {
        let mailer = smtpHost.map { SMTPMailer(host: $0, port: smtpPort, from: mailFrom) }
        let peppolSettings = try peppol.settings(publicURL: publicURL ?? "http://\(host):\(port)")
        let store = try await options.store(creating: true)
        let service = PlatformService(
            store: store,
            configuration: .init(
                tokenLifetime: TimeInterval(tokenLifetime), mailer: mailer, peppol: peppolSettings.map { PeppolGateway(settings: $0) }))
        let limits = ServerLimits(
            idleTimeout: .seconds(idleTimeout), minimumUploadRate: minUploadRate,
            maxConnections: ServerLimits.connectionsWithinDescriptorLimit(maxConnections), maxRequestBytes: maxRequestBytes,
            bodyBudget: bodyBudget)
        let data = options.postgres == nil ? options.dataDir : "PostgreSQL"
        // Announced once the socket listens, so a script that waits for this line can connect.
        let app = PlatformHTTPServer.makeApplication(
            service: service, host: host, port: port, limits: limits,
            proxies: ProxyPolicy(trusted: proxyAddresses, publicURL: publicURL),
            peppol: peppolSettings.map { PeppolAccessPoint(settings: $0, platform: service) },
            services: (store as? PostgresPlatformStore).map { [$0] } ?? []
        ) { listening in
            FileHandle.standardError.write(Data("efactuur platform on http://\(host):\(listening)/soap/v3.1 (data: \(data))\n".utf8))
            if let peppolSettings {
                FileHandle.standardError.write(
                    Data(
                        "Peppol access point \(peppolSettings.identity.partyID): AS4 at \(peppolSettings.publicURL)/as4, SMP at \(peppolSettings.publicURL)/smp, SML zone \(peppolSettings.smlZone)\n"
                            .utf8))
            }
        }
        try await app.runService()
    }
}

struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform", abstract: "Manage the platform: accounts, organisations, connection keys, documents.",
        subcommands: [AccountCommand.self, OrganisationCommand.self, UserCommand.self, KeysCommand.self, DocumentCommand.self])

    struct UserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user", abstract: "An account's users; administrators create connection keys and manage users.",
            subcommands: [Add.self, List.self, Remove.self, SetPassword.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user to an account.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account (ACC…).") var account: String
            @Option(help: "The user's e-mail address.") var email: String
            @Option(help: "administrator or user.") var role: String = "user"

            func run() async throws {
                guard let role = UserRole(rawValue: role.lowercased()) else {
                    throw ValidationError("--role must be administrator or user")
                }
                try await options.run {
                    let user = try await options.service().addUser(accountID: account, email: email, role: role)
                    try options.emit(["account": user.accountID, "email": user.email, "role": user.role.rawValue])
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List an account's users.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account (ACC…).") var account: String

            func run() async throws {
                try await options.run {
                    let users = try await options.service().users(accountID: account)
                    try options.emit(table: users.map { ["email": $0.email, "role": $0.role.rawValue] }, columns: ["email", "role"])
                }
            }
        }

        struct SetPassword: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set-password",
                abstract: "Set a user's portal password, read from standard input (never from the command line); their sessions end.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account (ACC…).") var account: String
            @Option(help: "The user's e-mail address.") var email: String

            func run() async throws {
                let password = readLine(strippingNewline: true) ?? ""
                try await options.run {
                    try await options.service().setPassword(accountID: account, email: email, password: password)
                    try options.emit(["account": account, "email": email, "password": "set"])
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove", abstract: "Remove a user; the connection keys made with their rights are revoked.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account (ACC…).") var account: String
            @Option(help: "The user's e-mail address.") var email: String

            func run() async throws {
                try await options.run {
                    try await options.service().removeUser(accountID: account, email: email)
                    try options.emit(["account": account, "removed": email])
                }
            }
        }
    }

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
                    let document = try await options.service().storedDocument(externalID: externalID)
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
            commandName: "account", abstract: "Platform accounts.", subcommands: [Create.self, List.self, Show.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the accounts.")
            @OptionGroup var options: PlatformOptions

            func run() async throws {
                try await options.run {
                    let accounts = try await options.service().accounts()
                    try options.emit(
                        table: accounts.map { ["account": $0.id, "name": $0.name, "email": $0.email, "subscription": $0.subscription.rawValue] },
                        columns: ["account", "name", "email", "subscription"])
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show an account with its organisations (Bedrijfs-IDs) and users.")
            @OptionGroup var options: PlatformOptions
            @Argument(help: "The account's id (ACC…).") var account: String

            func run() async throws {
                try await options.run {
                    let service = try await options.service()
                    let found = try await service.account(id: account)
                    let organisations = try await service.organisations(accountID: account)
                    let users = try await service.users(accountID: account)
                    try options.emit([
                        "account": found.id, "name": found.name, "email": found.email, "subscription": found.subscription.rawValue,
                        "organisations": organisations.map { "\($0.partyID) \($0.name)" }.joined(separator: ", "),
                        "users": users.map { "\($0.email) (\($0.role.rawValue))" }.joined(separator: ", "),
                    ])
                }
            }
        }

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
                    let account = try await options.service(creating: true).createAccount(name: name, email: email, subscription: level)
                    try options.emit([
                        "account": account.id, "name": account.name, "subscription": account.subscription.rawValue,
                        "administrator": account.email,
                    ])
                }
            }
        }
    }

    struct OrganisationCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "org", abstract: "Organisations and their Bedrijfs-IDs.",
            subcommands: [Create.self, List.self, Show.self, Verify.self])

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify",
                abstract:
                    "Mark an organisation made in the portal as checked: it is then found by its registry numbers and may send.")
            @OptionGroup var options: PlatformOptions
            @Argument(help: "Bedrijfs-ID (XCNL…).") var partyID: String

            func run() async throws {
                try await options.run {
                    let organisation = try await options.service().verifyOrganisation(partyID: partyID)
                    try options.emit(["bedrijfsId": organisation.partyID, "verified": String(organisation.isVerified)])
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List an account's organisations.")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The account (ACC…).") var account: String

            func run() async throws {
                try await options.run {
                    let organisations = try await options.service().organisations(accountID: account)
                    try options.emit(
                        table: organisations.map {
                            ["bedrijfsId": $0.partyID, "name": $0.name, "country": $0.country, "kvk": $0.kvk ?? "", "oin": $0.oin ?? ""]
                        },
                        columns: ["bedrijfsId", "name", "country", "kvk", "oin"])
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show an organisation, found by Bedrijfs-ID or registry id (NL:KVK:…, 0190:…).")
            @OptionGroup var options: PlatformOptions
            @Argument(help: "Bedrijfs-ID (XCNL…) or registry id.") var reference: String

            func run() async throws {
                try await options.run {
                    let service = try await options.service()
                    guard let organisation = try await service.findOrganisation(reference: reference) else {
                        throw PlatformError.notFound(kind: "organisation", id: reference)
                    }
                    try options.emit([
                        "bedrijfsId": organisation.partyID, "name": organisation.name, "account": organisation.accountID,
                        "country": organisation.country, "kvk": organisation.kvk ?? "", "oin": organisation.oin ?? "",
                        "vat": organisation.vat ?? "", "kbo": organisation.kbo ?? "", "reference": organisation.referenceID,
                        "verified": String(organisation.isVerified),
                    ])
                }
            }
        }

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
            commandName: "keys", abstract: "Connection keys (App Key and Secret).", subcommands: [Create.self, List.self, Revoke.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List an organisation's connection keys (never their Secrets).")
            @OptionGroup var options: PlatformOptions
            @Option(help: "The organisation's Bedrijfs-ID (XCNL…).") var org: String

            func run() async throws {
                try await options.run {
                    let keys = try await options.service().connectionKeys(partyID: org)
                    try options.emit(
                        table: keys.map {
                            [
                                "appKey": $0.appKey, "createdBy": $0.email, "createdOn": $0.createdOn.formatted(.iso8601),
                                "revokedOn": $0.revokedOn?.formatted(.iso8601) ?? "",
                            ]
                        }, columns: ["appKey", "createdBy", "createdOn", "revokedOn"])
                }
            }
        }

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
                    if !options.json {
                        FileHandle.standardError.write(
                            Data("The Secret is shown only now; the platform keeps only its hash. Copy it before closing this window.\n".utf8))
                    }
                    try options.emit([
                        "appKey": key.appKey, "secret": secret, "companyId": key.partyID,
                        "quickConnect": quickConnect.text,
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
