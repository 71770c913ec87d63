import ArgumentParser
import Bookkeeping
import BooksWeb
import EConnectClient
import EConnectWire
import EInvoice
import Foundation
import Hummingbird

/// Where the books are, and the --json switch, shared by the books commands.
struct BooksOptions: ParsableArguments {
    @Option(name: .long, help: "The books' SQLite file.")
    var books: String = "./efactuur-books.sqlite"

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func open() throws -> Books {
        let store = try BooksStore(path: books)
        for warning in store.permissionWarnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return Books(store: store)
    }

    /// Prints `value` as JSON, or `text` for a person.
    func emit(_ value: some Encodable, text: @autoclosure () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            print(text())
        }
    }

    /// Runs an action on one administration of the books.
    func run(in administration: AdministrationOption, _ body: (Books, Administration) async throws -> Void) async throws {
        try await run { books in try await body(books, try books.store.administration(named: administration.admin)) }
    }

    /// Runs a books action; a refusal is printed with its stable code and exits 1.
    func run(_ body: (Books) async throws -> Void) async throws {
        do {
            try await body(try open())
        } catch let error as BookkeepingError {
            if json {
                try emit(["error": error.code.rawValue, "message": error.message], text: "")
            } else {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
            throw ExitCode(1)
        }
    }
}

/// `--admin NAME`.
struct AdministrationOption: ParsableArguments {
    @Option(help: "The administration's name.") var admin: String
}

struct BooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "books",
        abstract: "The bookkeeping side: administrations, settings, debtors, sales and purchase invoices.",
        discussion: """
            Connect an administration with the Quick Connect text of its connection keys, add debtors \
            and invoices, send them through the platform's native API v3 and receive purchase invoices.
            """,
        subcommands: [
            AdminCommand.self, SettingsCommand.self, DebtorCommand.self, InvoiceCommand.self, Receive.self,
            PurchaseCommand.self, WebCommand.self,
        ])
}

/// `books web`: the screens of the setup guide in the browser, on this machine.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "The books in the browser: the setup guide's screens, on http://127.0.0.1:PORT.",
        discussion: """
            Serves the books file's screens (choose the administration, eVerbinding settings, debtors,             invoices with Ja and VERZENDEN, purchase invoices with Ophalen) to this machine only, unless             --host says otherwise. Stop it with Ctrl-C.
            """)
    @Option(name: .long, help: "The books' SQLite file.") var books: String = "./efactuur-books.sqlite"
    @Option(help: "Address to listen on (loopback: only this machine).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free one).") var port = 8090

    func run() async throws {
        let store = try BooksStore(path: books)
        for warning in store.permissionWarnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let host = self.host
        if !BooksWeb.isLoopback(host) {
            FileHandle.standardError.write(
                Data("warning: books web on \(host) serves these books, without signing in, to whoever can reach that address\n".utf8))
        }
        let app = BooksWeb(books: Books(store: store)).application(host: host, port: port) { listening in
            let shown = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardError.write(Data("efactuur books on http://\(shown):\(listening)/ (books: \(books))\n".utf8))
        }
        try await app.runService()
    }
}

// MARK: - Administrations

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administrations (sets of books).", subcommands: [Create.self, List.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an administration.")
        @OptionGroup var options: BooksOptions
        @Argument(help: "Its name.") var name: String

        func run() async throws {
            try await options.run { books in
                let administration = try books.store.createAdministration(name: name)
                try options.emit(["administration": administration.name], text: "Created administration \(administration.name).")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show an administration: its settings (the Secret masked) and how many debtors and invoices it has.")
        @OptionGroup var options: BooksOptions
        @Argument(help: "The administration's name.") var name: String

        func run() async throws {
            try await options.run { books in
                let administration = try books.store.administration(named: name)
                let counts = try books.store.counts(administration: administration.id)
                try options.emit(
                    [
                        "name": administration.name, "companyId": administration.settings.companyID ?? "",
                        "debtors": String(counts.debtors), "salesInvoices": String(counts.salesInvoices),
                        "purchaseInvoices": String(counts.purchaseInvoices),
                    ],
                    text: "\(administration.name)\n  \(administration.settings)\n  \(counts.debtors) debtor(s), "
                        + "\(counts.salesInvoices) sales invoice(s), \(counts.purchaseInvoices) purchase invoice(s)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the administrations.")
        @OptionGroup var options: BooksOptions

        func run() async throws {
            try await options.run { books in
                let names = try books.store.administrations().map(\.name)
                try options.emit(["administrations": names], text: names.joined(separator: "\n"))
            }
        }
    }
}

// MARK: - Settings

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "The platform connection settings of an administration (eFactuur > eVerbinding).",
        subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change settings; options not given keep their value.",
            discussion: "--quick-connect takes the text the platform shows with new connection keys: "
                + "APP_KEY:…;SECRET_KEY:…;EMAIL_ID:…;COMPANY_ID:XCNL…;")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Option(help: "The Quick Connect text: App Key, Secret, e-mail and Bedrijfs-ID at once.") var quickConnect: String?
        @Option(help: "Gebruik API versie 3 (on or off).") var useApiV3: Switch?
        @Option(help: "The App Key.") var appKey: String?
        @Option(help: "The Secret.") var secret: String?
        @Option(help: "The e-mail address used on the platform.") var email: String?
        @Option(help: "The Bedrijfs-ID (XCNL… or XCBE…).") var companyId: String?
        @Option(help: "SimplerInvoicing version (2.0).") var siVersion: String?
        @Option(help: "Folder purchase invoices are written to.") var purchaseFolder: String?
        @Option(help: "Folder sent sales invoices are written to.") var salesFolder: String?
        @Option(help: "Fetch purchase invoices from this date (YYYY-MM-DD).") var fromDate: String?
        @Option(help: "Sender name.") var senderName: String?
        @Option(help: "Sender street and number.") var senderStreet: String?
        @Option(help: "Sender postcode.") var senderPostcode: String?
        @Option(help: "Sender city.") var senderCity: String?
        @Option(help: "Sender country (ISO code, NL).") var senderCountry: String?
        @Option(help: "Sender KvK number.") var senderKvk: String?
        @Option(help: "Sender VAT number.") var senderVat: String?
        @Option(help: "Sender IBAN, for the payment instructions.") var senderIban: String?
        @Flag(inversion: .prefixedNo, help: "Gebruik debiteur dossiernummer als KvK.") var useDossierAsKvk: Bool?
        @Option(help: "The platform's base URL (http://127.0.0.1:8080).") var platformUrl: String?

        enum Switch: String, ExpressibleByArgument { case on, off }

        func run() async throws {
            try await options.run(in: administration) { books, current in
                var settings = current.settings
                if let quickConnect { try Books.apply(quickConnect: quickConnect, to: &settings) }
                if let useApiV3 { settings.useAPIv3 = useApiV3 == .on }
                if let appKey { settings.appKey = appKey }
                if let secret { settings.secret = secret }
                if let email { settings.email = email }
                if let companyId { settings.companyID = companyId }
                if let siVersion { settings.siVersion = siVersion }
                if let purchaseFolder { settings.purchaseFolder = purchaseFolder }
                if let salesFolder { settings.salesFolder = salesFolder }
                if let fromDate {
                    guard let date = LocalDate(fromDate), date.timeZone == nil else {
                        throw BookkeepingError(.invalidDate, "--from-date '\(fromDate)' is not a date (YYYY-MM-DD)")
                    }
                    settings.fromDate = date
                }
                if let senderName { settings.sender.name = senderName }
                if let senderStreet { settings.sender.street = senderStreet }
                if let senderPostcode { settings.sender.postcode = senderPostcode }
                if let senderCity { settings.sender.city = senderCity }
                if let senderCountry { settings.sender.country = senderCountry }
                if let senderKvk { settings.sender.kvk = senderKvk }
                if let senderVat { settings.sender.vat = senderVat }
                if let senderIban { settings.sender.iban = senderIban }
                if let useDossierAsKvk { settings.useDossierAsKvK = useDossierAsKvk }
                if let platformUrl { settings.platformURL = platformUrl }
                let saved = try books.saveSettings(settings, administration: current)
                try SettingsCommand.show(saved, of: current.name, options: options)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the settings; the Secret is masked.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption

        func run() async throws {
            try await options.run(in: administration) { books, current in
                try SettingsCommand.show(current.settings, of: current.name, options: options)
            }
        }
    }

    static func show(_ settings: Settings, of name: String, options: BooksOptions) throws {
        let fields: [(String, String)] = [
            ("Administration", name),
            ("Gebruik API versie 3", settings.useAPIv3 ? "on" : "off"),
            ("SimplerInvoicing version", settings.siVersion),
            ("E-mail address", settings.email ?? "—"),
            ("App Key", settings.appKey ?? "—"),
            ("Secret", settings.maskedSecret ?? "—"),
            ("Bedrijfs-ID", settings.companyID ?? "—"),
            ("Purchase-invoice folder", settings.purchaseFolder ?? "—"),
            ("Sales-invoice folder", settings.salesFolder ?? "—"),
            ("Fetch from", settings.fromDate?.description ?? "—"),
            (
                "Sender",
                [
                    settings.sender.name, settings.sender.street, settings.sender.postcode, settings.sender.city,
                    settings.sender.country,
                ].compactMap { $0 }.joined(separator: ", ")
            ),
            (
                "Sender KvK / VAT / IBAN",
                [settings.sender.kvk ?? "—", settings.sender.vat ?? "—", settings.sender.iban ?? "—"]
                    .joined(separator: " / ")
            ),
            ("Debtor dossier number as KvK", settings.useDossierAsKvK ? "yes" : "no"),
            ("Platform URL", settings.platformURL ?? "—"),
        ]
        let width = fields.map(\.0.count).max() ?? 0
        // The settings' JSON never holds the Secret (see `Settings.CodingKeys`).
        try options.emit(
            settings,
            text: fields.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
                .joined(separator: "\n"))
    }
}

// MARK: - Debtors

struct DebtorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debtor", abstract: "Debtors (customers) and their e-invoicing identifiers.",
        subcommands: [Add.self, Update.self, Show.self, List.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a debtor's card and the identifier its invoices carry.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The debtor's number.") var number: Int

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let debtor = try books.store.debtor(number, administration: current.id)
                let identifier = debtor.identifier(useDossierAsKvK: current.settings.useDossierAsKvK)
                let address = [debtor.street, [debtor.postcode, debtor.city].compactMap { $0 }.joined(separator: " "), debtor.country]
                    .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                try options.emit(
                    debtor,
                    text: "Debtor \(debtor.number) \(debtor.name)\n  Address    \(address)\n  E-mail     \(debtor.email ?? "—")\n"
                        + "  FAX/OIN    \(debtor.oin ?? "—")\n  Dossier/KvK \(debtor.kvk ?? "—")\n  VAT        \(debtor.vat ?? "—")\n"
                        + "  Invoices carry \(identifier.label)")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a debtor; prints its number and the identifier its invoices carry.",
            discussion: """
                Government: give the OIN (FAX/OIN). Organisation with a Chamber of Commerce number: give \
                --kvk (Dossier/KvK nr; used when the administration uses debtor dossier numbers as KvK). \
                Without either, invoices carry the dummy KvK number 99999998.
                """)
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Option(help: "Debtor number (the next free one when left out).") var number: Int?
        @Option(help: "Name.") var name: String
        @OptionGroup var fields: DebtorFields

        func run() async throws {
            try await options.run(in: administration) { books, current in
                var debtor = Debtor(number: number ?? 0, name: name)
                fields.apply(to: &debtor)
                try DebtorFields.emit(try books.addDebtor(debtor, administration: current), current, options)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update", abstract: "Change a debtor's details; what is not given stays, an empty value clears it.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The debtor's number.") var number: Int
        @Option(help: "Name.") var name: String?
        @OptionGroup var fields: DebtorFields

        func run() async throws {
            try await options.run(in: administration) { books, current in
                var debtor = try books.store.debtor(number, administration: current.id)
                if let name { debtor.name = name }
                fields.apply(to: &debtor)
                try DebtorFields.emit(try books.updateDebtor(debtor, administration: current), current, options)
            }
        }
    }

    /// The debtor card's fields as options; what is not given stays as it is.
    struct DebtorFields: ParsableArguments {
        @Option(help: "E-mail address for e-invoices.") var email: String?
        @Option(help: "OIN (20 digits), for government organisations.") var oin: String?
        @Option(help: "Dossier/KvK nr (8 digits).") var kvk: String?
        @Option(help: "VAT number.") var vat: String?
        @Option(help: "Street and number.") var street: String?
        @Option(help: "Postcode.") var postcode: String?
        @Option(help: "City.") var city: String?
        @Option(help: "Country (ISO code; NL for a new debtor).") var country: String?

        func apply(to debtor: inout Debtor) {
            if let country { debtor.country = country }
            for (value, keyPath) in [
                (email, \Debtor.email), (oin, \Debtor.oin), (kvk, \Debtor.kvk), (vat, \Debtor.vat), (street, \Debtor.street),
                (postcode, \Debtor.postcode), (city, \Debtor.city),
            ] where value != nil {
                debtor[keyPath: keyPath] = value
            }
        }

        static func emit(_ debtor: Debtor, _ administration: Administration, _ options: BooksOptions) throws {
            let identifier = debtor.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK)
            try options.emit(
                ["debtor": String(debtor.number), "name": debtor.name, "identifier": identifier.participantID],
                text: "Debtor \(debtor.number) \(debtor.name): invoices carry \(identifier.label).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the debtors.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let debtors = try books.store.debtors(administration: current.id)
                try options.emit(
                    debtors,
                    text: debtors.map { debtor in
                        "\(debtor.number)  \(debtor.name)  \(debtor.email ?? "—")  "
                            + debtor.identifier(useDossierAsKvK: current.settings.useDossierAsKvK).participantID
                    }.joined(separator: "\n"))
            }
        }
    }
}
