import ArgumentParser
import Bookkeeping
import EConnectWire
import EInvoice
import EInvoiceRules
import Foundation
import Logging
import Platform
import PlatformServer

extension Efactuur {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "The whole job in one run: a platform, a supplier and a customer connected with their keys, an invoice sent and received.",
            discussion: """
                Starts the platform on a free loopback port with SQLite in a temporary folder, creates a \
                supplier and a customer organisation with connection keys, connects two administrations \
                with their Quick Connect texts, sends an invoice to a debtor (with the Ja / VERZENDEN \
                confirmation) and receives it on the customer's side. Prints the Delivery ID, the route \
                the platform took and the purchase invoice; stops the platform before it ends.
                """)

        @Option(help: "Folder for the demo's databases and invoice folders (a new temporary folder by default).")
        var folder: String?

        func run() async throws {
            let folder =
                folder
                ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("efactuur-demo-\(ProcessInfo.processInfo.processIdentifier)-\(Int(Date().timeIntervalSince1970))").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let service = PlatformService(store: try SQLitePlatformStore(path: folder + "/platform.sqlite"))
            var logger = Logger(label: "efactuur.demo")
            logger.logLevel = .warning
            let walkthrough: Result<Void, any Error>
            do {
                try await PlatformHTTPServer.serving(logger: logger) {
                    PlatformHTTPServer.makeApplication(service: service, port: 0, logger: logger, onListening: $0)
                } _: { url in
                    try await Walkthrough(service: service, url: url.absoluteString, folder: folder).run()
                }
                walkthrough = .success(())
            } catch {
                walkthrough = .failure(error)
            }
            print("\nThe platform has stopped; the databases and invoice folders stay in \(folder).")
            try walkthrough.get()
        }
    }
}

/// The setup guide, step by step, against the platform at `url`.
private struct Walkthrough {
    let service: PlatformService
    let url: String
    let folder: String

    func step(_ title: String) { print("\n== \(title)") }

    func run() async throws {
        print("The platform listens on \(url)/soap/v3.1 (data: \(folder)/platform.sqlite).")
        print("The demo plays both sides: the platform's portal, then the supplier's and the customer's books.")

        step("Step 1 of the guide: create connection keys (efactuur platform account|org|keys create)")
        let supplier = try await organisation(
            account: "Bouwbedrijf De Vries", name: "Bouwbedrijf De Vries B.V.", kvk: "12345678", email: "administratie@devries.example")
        let customer = try await organisation(
            account: "Klant", name: "Klant B.V.", kvk: "87654321", email: "inkoop@klant.example")

        step("Step 2: configuration in Accept — administration 'De Vries', Quick Connect text pasted (efactuur books settings set)")
        let books = Books(store: try BooksStore(path: folder + "/books.sqlite"))
        var supplierBooks = try books.store.createAdministration(name: "De Vries")
        try Books.apply(quickConnect: supplier.text, to: &supplierBooks.settings)
        supplierBooks.settings.platformURL = url
        supplierBooks.settings.salesFolder = folder + "/De Vries/verkoop"
        supplierBooks.settings.useDossierAsKvK = true
        supplierBooks.settings.sender.name = "Bouwbedrijf De Vries B.V."
        supplierBooks.settings.sender.street = "Havenweg 12"
        supplierBooks.settings.sender.postcode = "3011 AB"
        supplierBooks.settings.sender.city = "Rotterdam"
        supplierBooks.settings.sender.kvk = "12345678"
        supplierBooks.settings.sender.vat = "NL123456782B01"
        supplierBooks.settings.sender.iban = "NL91ABNA0417164300"
        try books.store.saveSettings(supplierBooks.settings, administration: supplierBooks.id)
        print(
            "Gebruik API versie 3: on · SimplerInvoicing 2.0 · App Key \(supplierBooks.settings.appKey!) · Secret \(supplierBooks.settings.maskedSecret!)"
        )
        print("Bedrijfs-ID \(supplierBooks.settings.companyID!) · sender Bouwbedrijf De Vries B.V., Rotterdam, NL · debtor dossier number as KvK: on")

        step("Step 3: set up debtors — Dossier/KvK nr on the Properties tab (efactuur books debtor add)")
        var debtor = Debtor(name: "Klant B.V.")
        (debtor.email, debtor.kvk, debtor.street, debtor.postcode, debtor.city) =
            ("facturen@klant.example", "87654321", "Stationsplein 1", "3511 ED", "Utrecht")
        debtor = try books.store.addDebtor(debtor, administration: supplierBooks.id)
        print("Debtor \(debtor.number) \(debtor.name): invoices carry \(debtor.identifier(useDossierAsKvK: true).label).")

        step("Step 4: send invoices — a sales invoice with two lines (efactuur books invoice create / line add)")
        let today = LocalDate.today
        let draft = try books.store.addInvoice(
            SalesInvoice(debtorNumber: debtor.number, issueDate: today, dueDate: today.adding(days: 30), reference: "PO-2026-118"),
            administration: supplierBooks.id)
        for line in [
            SalesInvoiceLine(description: "Renovatie kantoor, arbeid", quantity: "16", unitPrice: "62.50", vatRate: 21),
            SalesInvoiceLine(description: "Bouwmaterialen", quantity: "1", unitPrice: "845.20", vatRate: 21),
        ] {
            _ = try books.addLine(line, invoice: draft.number, administration: supplierBooks)
            let (quantity, price, rate) = (
                line.quantity.map { "\($0)" } ?? "", line.unitPrice.map { "\($0)" } ?? "", line.vatRate.map { "\($0)" } ?? ""
            )
            print("Invoice \(draft.number), line added: \(quantity) × \(line.description) à \(price) EUR, btw \(rate)%")
        }

        print("\nUitvoer > eFactuur > eVerbinding bericht (efactuur books invoice send). The command asks for Ja and then")
        print("for VERZENDEN; the demo answers both itself:")
        let preview = try books.prepareSend(draft.number, administration: supplierBooks)
        print(InvoiceCommand.Send.confirmationText(preview))
        print("Send it via eVerbinding? (Ja/Nee): Ja")
        print("Type VERZENDEN to send: VERZENDEN")
        let sent = try await books.send(preview, confirmation: "VERZENDEN", administration: supplierBooks)
        print("Sent. Delivery ID: \(sent.deliveryID!) (on the invoice under Extra); UBL in \(sent.ublPath ?? "—")")

        step("After sending: the platform's route")
        let delivery = try await books.delivery(sent.number, administration: supplierBooks)
        print(
            "\(delivery.externalID): \(delivery.sender.name) → \(delivery.receiver?.name ?? delivery.receiverReferenceID)"
                + " via \(delivery.deliveryMethod.rawValue) (\(delivery.receiverReferenceID)), status \(delivery.status.code) \(delivery.status.name)"
        )

        step("The customer's books: administration 'Klant' connected with its Quick Connect text; fetch (efactuur books receive)")
        var customerBooks = try books.store.createAdministration(name: "Klant")
        try Books.apply(quickConnect: customer.text, to: &customerBooks.settings)
        customerBooks.settings.platformURL = url
        customerBooks.settings.purchaseFolder = folder + "/Klant/inkoop"
        customerBooks.settings.fromDate = today.adding(days: -7)
        try books.store.saveSettings(customerBooks.settings, administration: customerBooks.id)
        let received = try await books.receive(administration: customerBooks)
        for invoice in received.received {
            print(
                "Purchase invoice \(invoice.number) from \(invoice.supplierName), \(invoice.issueDate), "
                    + "to pay \(invoice.payableAmount) \(invoice.currency), \(invoice.verdict); Delivery ID \(invoice.externalID)")
            print("  written to \(invoice.ublPath)")
            print("  marked 30 Verwerkt on the platform: \(invoice.platformStatusSet ? "yes" : "no")")
        }
        let again = try await books.receive(administration: customerBooks)
        print("Fetching again: \(again.received.count) new, \(again.alreadyReceived) already in the books.")

        step("The supplier sees the customer's status (efactuur books invoice status)")
        let (status, info) = try await books.status(sent.number, administration: supplierBooks)
        print("Invoice \(sent.number): \(status.code) \(status.name), changed by \(info.accountName ?? "?") at \(WireDate.format(info.changedOn))")

        step("Both files checked with efactuur validate --ruleset si-ubl")
        for path in [sent.ublPath, received.received.first?.ublPath].compactMap({ $0 }) {
            let report = try Validator(ruleSet: .siUBL).validate(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(report.isValid ? "valid  " : "INVALID") \(path)")
        }
    }

    /// An account, its organisation and connection keys, as the platform commands make them.
    func organisation(account: String, name: String, kvk: String, email: String) async throws -> QuickConnect {
        let created = try await service.createAccount(name: account, email: email)
        let organisation = try await service.createOrganisation(accountID: created.id, name: name, country: "NL", kvk: kvk)
        let (key, secret) = try await service.createConnectionKey(partyID: organisation.partyID, email: email)
        let quickConnect = QuickConnect(appKey: key.appKey, secret: secret, email: email, companyID: organisation.partyID)
        print("\(name): Bedrijfs-ID \(organisation.partyID), KvK \(kvk); Quick Connect text (the Secret is shown only now):")
        print("  \(quickConnect.text)")
        return quickConnect
    }
}
