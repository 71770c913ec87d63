import ArgumentParser
import Bookkeeping
import EConnectWire
import EInvoice
import Foundation

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "Sales invoices: create, change lines, show, send, credit, delete, and the platform status.",
        subcommands: [Create.self, LineCommand.self, Show.self, Send.self, Status.self, List.self, Credit.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a draft sales invoice for a debtor; prints its number.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Option(help: "The debtor's number.") var debtor: Int
        @Option(help: "Invoice number (the next F{year}-{nnnn} when left out).") var number: String?
        @Option(help: "Invoice date (YYYY-MM-DD, today when left out).") var date: String?
        @Option(help: "Due date (YYYY-MM-DD, 30 days after the invoice date when left out).") var dueDate: String?
        @Option(help: "The debtor's reference (BT-10); the invoice number when left out.") var reference: String?

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let invoice = try books.createInvoice(
                    debtor: debtor, number: number, issueDate: try date.map { try parseDate($0, "--date") },
                    dueDate: try dueDate.map { try parseDate($0, "--due-date") }, reference: reference, administration: current)
                try options.emit(
                    ["invoice": invoice.number, "debtor": String(debtor)],
                    text: "Created sales invoice \(invoice.number) for debtor \(debtor).")
            }
        }
    }

    struct LineCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "line", abstract: "The lines of a draft invoice.", subcommands: [Add.self, Change.self, Remove.self])

        /// A line as typed: `--description`, `--quantity`, `--price`, `--vat`, `--vat-category`.
        struct LineFields: ParsableArguments {
            @Option(help: "What was delivered.") var description: String
            @Option(help: "Quantity (a decimal number).") var quantity: String
            @Option(help: "Unit price excluding VAT (a decimal number).") var price: String
            @Option(help: "VAT rate in percent (21, 9, 0).") var vat: String = "21"
            @Option(
                help:
                    "VAT category: S standard, Z zero rated, E exempt, AE reverse charge, K intra-community, G export, O outside scope (from the rate when left out)."
            )
            var vatCategory: String?

            func line() throws -> SalesInvoiceLine {
                try Books.line(description: description, quantity: quantity, price: price, vatRate: vat, vatCategory: vatCategory)
            }

            static func text(_ line: SalesInvoiceLine, of invoice: String) -> String {
                "Invoice \(invoice) line \(line.position): \(line.description), \(line.quantity?.description ?? "—") × "
                    + "\(line.unitPrice?.description ?? "—"), VAT \(line.vatCategory) \(line.vatRate?.description ?? "")%."
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a line to a draft invoice.")
            @OptionGroup var options: BooksOptions
            @OptionGroup var administration: AdministrationOption
            @Option(help: "The invoice number.") var invoice: String
            @OptionGroup var fields: LineFields

            func run() async throws {
                try await options.run(in: administration) { books, current in
                    let updated = try books.addLine(try fields.line(), invoice: invoice, administration: current)
                    let line = updated.lines.last!
                    try options.emit(line, text: LineFields.text(line, of: updated.number))
                }
            }
        }

        struct Change: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "change", abstract: "Replace a line of a draft invoice.")
            @OptionGroup var options: BooksOptions
            @OptionGroup var administration: AdministrationOption
            @Option(help: "The invoice number.") var invoice: String
            @Option(help: "The line's number.") var line: Int
            @OptionGroup var fields: LineFields

            func run() async throws {
                try await options.run(in: administration) { books, current in
                    let updated = try books.changeLine(line, to: try fields.line(), invoice: invoice, administration: current)
                    let changed = updated.lines.first { $0.position == line }!
                    try options.emit(changed, text: LineFields.text(changed, of: updated.number))
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a line from a draft invoice.")
            @OptionGroup var options: BooksOptions
            @OptionGroup var administration: AdministrationOption
            @Option(help: "The invoice number.") var invoice: String
            @Option(help: "The line's number.") var line: Int

            func run() async throws {
                try await options.run(in: administration) { books, current in
                    let updated = try books.removeLine(line, invoice: invoice, administration: current)
                    try options.emit(
                        ["invoice": updated.number, "removed": String(line)], text: "Invoice \(updated.number): line \(line) removed.")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an invoice: debtor, lines, totals, and under Extra the Delivery ID once sent.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The invoice number.") var number: String

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let view = try InvoiceView(books: books, number: number, administration: current)
                try options.emit(view, text: view.text)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the sales invoices with their state and Delivery ID.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let invoices = try books.store.invoices(administration: current.id)
                try options.emit(
                    invoices,
                    text: invoices.map { "\($0.number)  debtor \($0.debtorNumber)  \($0.state.rawValue)  \($0.deliveryID ?? "")" }
                        .joined(separator: "\n"))
            }
        }
    }

    struct Credit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credit",
            abstract: "Make a draft credit note for a sent invoice (the same lines, referring to it); send it as an invoice.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The number of the sent invoice.") var number: String

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let credit = try books.creditInvoice(number, administration: current)
                try options.emit(
                    ["invoice": credit.number, "credits": number], text: "Created credit note \(credit.number) for invoice \(number).")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a draft invoice (a sent one is credited instead).")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The invoice number.") var number: String

        func run() async throws {
            try await options.run(in: administration) { books, current in
                try books.deleteInvoice(number, administration: current)
                try options.emit(["deleted": number], text: "Invoice \(number) deleted.")
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send an invoice through the platform (eFactuur > eVerbinding bericht).",
            discussion: """
                Shows the invoice, the debtor and the e-mail address it goes to, asks Ja/Nee and then asks you \
                to type VERZENDEN. Scripts pass --confirm VERZENDEN; anything else aborts. The invoice is \
                validated as SI-UBL 2.0 first; after sending, its Delivery ID is under Extra in \
                `books invoice show`.
                """)
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The invoice number.") var number: String
        @Option(help: "The confirmation, for scripts: VERZENDEN.") var confirm: String?
        @Flag(help: "Send an invoice that was sent before again (the platform keeps it as a revision).") var again = false

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let preview = try books.prepareSend(number, again: again, administration: current)
                let problems = books.problems(preview)
                guard problems.isEmpty else {
                    throw BookkeepingError(
                        .invoiceIncomplete, "invoice \(number) cannot be sent yet: \(problems.joined(separator: "; ")) (nothing was sent)")
                }
                // The confirmation screen goes to standard error when standard output carries JSON.
                let screen = options.json ? FileHandle.standardError : FileHandle.standardOutput
                func say(_ text: String, newline: Bool = true) {
                    screen.write(Data((text + (newline ? "\n" : "")).utf8))
                }
                say(Self.confirmationText(preview))
                let confirmation: String
                if let confirm {
                    say("Send it via eVerbinding? (Ja/Nee): Ja\nType VERZENDEN to send: \(confirm)")
                    confirmation = confirm
                } else {
                    say("Send it via eVerbinding? (Ja/Nee): ", newline: false)
                    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                    guard answer == "ja" || answer == "j" else {
                        throw BookkeepingError(.notConfirmed, "not sent: the answer was not Ja")
                    }
                    say("Type VERZENDEN to send: ", newline: false)
                    confirmation = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
                }
                let sent = try await books.send(preview, confirmation: confirmation, again: again, administration: current)
                try options.emit(
                    [
                        "invoice": sent.number, "deliveryId": sent.deliveryID ?? "", "state": sent.state.rawValue,
                        "ubl": sent.ublPath ?? "", "sha256": sent.sha256 ?? "",
                    ],
                    text: "Sent. Delivery ID: \(sent.deliveryID ?? "")" + (sent.ublPath.map { "\nUBL written to \($0)" } ?? "")
                        + (sent.sha256.map { "\nSHA-256 \($0)" } ?? ""))
            }
        }

        static func confirmationText(_ preview: Books.SendPreview) -> String {
            let summary = InvoiceSummary(preview.document)
            var text = """
                Invoice \(preview.invoice.number) of \(preview.invoice.issueDate) to debtor \(preview.debtor.number) \(preview.debtor.name)
                  Identifier     \(preview.identifier.label)  (To/ReferenceId \(preview.identifier.participantID))
                  E-mail address \(preview.email ?? "— (none: only a receiver on the platform can get it)")
                  Lines          \(preview.invoice.lines.count)
                  Total          \(summary.taxExclusiveAmount ?? "?") excl. VAT, VAT \(summary.taxAmount ?? "0"), to pay \(summary.payableAmount) \(summary.currency)
                  SI-UBL 2.0     
                """
            let warnings = preview.report.findings.filter { $0.flag == .warning }.count
            if preview.report.isValid {
                text += "valid" + (warnings > 0 ? " (\(warnings) warning(s))" : "")
            } else {
                text += "INVALID — it will not be sent:"
            }
            for finding in preview.report.findings {
                text += "\n    \(finding)"
            }
            return text
        }

        static func format(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "The platform's status of a sent invoice (10 Afgeleverd … 50 Afgewezen).")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption
        @Argument(help: "The invoice number.") var number: String

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let (status, info) = try await books.status(number, administration: current)
                let by = [info.userName, info.accountName].compactMap { $0 }.joined(separator: ", ")
                try options.emit(
                    [
                        "invoice": number, "code": status.code, "name": status.name, "changedOn": WireDate.format(info.changedOn),
                        "changedBy": by,
                    ],
                    text: "Invoice \(number): \(status.code) \(status.name), since \(WireDate.format(info.changedOn))"
                        + (by.isEmpty ? "" : " by \(by)"))
            }
        }
    }
}

/// An invoice as `books invoice show` prints it.
struct InvoiceView: Encodable {
    var invoice: SalesInvoice
    var debtor: Debtor
    var identifier: String
    var taxExclusiveAmount: String?
    var taxAmount: String?
    var payableAmount: String?
    var currency: String

    init(books: Books, number: String, administration: Administration) throws {
        invoice = try books.store.invoice(number, administration: administration.id)
        debtor = try books.store.debtor(invoice.debtorNumber, administration: administration.id)
        identifier = debtor.identifier(useDossierAsKvK: administration.settings.useDossierAsKvK).participantID
        let summary = (try? books.document(invoice, debtor: debtor, administration: administration)).map(InvoiceSummary.init)
        taxExclusiveAmount = summary?.taxExclusiveAmount
        taxAmount = summary?.taxAmount
        payableAmount = summary?.payableAmount
        currency = summary?.currency ?? "EUR"
    }

    var text: String {
        var lines = [
            "Sales invoice \(invoice.number) (\(invoice.state.rawValue))",
            "  Debtor     \(debtor.number) \(debtor.name) — \(identifier) — \(debtor.email ?? "no e-mail address")",
            "  Date       \(invoice.issueDate)" + (invoice.dueDate.map { ", due \($0)" } ?? "")
                + ", reference \(invoice.reference ?? invoice.number)",
            "  Lines",
        ]
        for line in invoice.lines {
            lines.append(
                "    \(line.position)  \(line.description)  \(line.quantity?.description ?? "—") × \(line.unitPrice?.description ?? "—")"
                    + "  VAT \(line.vatCategory) \(line.vatRate?.description ?? "")%")
        }
        if invoice.lines.isEmpty { lines.append("    (none)") }
        lines.append("  Total      \(taxExclusiveAmount ?? "—") excl. VAT, VAT \(taxAmount ?? "—"), to pay \(payableAmount ?? "—") \(currency)")
        lines.append("Extra")
        lines.append("  Delivery ID  \(invoice.deliveryID ?? "— (not sent)")")
        if let sentOn = invoice.sentOn { lines.append("  Sent on      \(InvoiceCommand.Send.format(sentOn))") }
        if let path = invoice.ublPath { lines.append("  UBL          \(path)") }
        if let sha256 = invoice.sha256 { lines.append("  SHA-256      \(sha256)") }
        if let error = invoice.lastError { lines.append("  Last error   \(error)") }
        return lines.joined(separator: "\n")
    }
}

struct Receive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Fetch purchase invoices from the platform's inbox into the purchase folder.",
        discussion: """
            Fetches every inbox document created since the from-date (then since the last one received), \
            each only once, writes its UBL and any embedded PDF to the purchase folder, records it as a \
            purchase invoice with its validation verdict, and marks it 30 Verwerkt on the platform.
            """)
    @OptionGroup var options: BooksOptions
    @OptionGroup var administration: AdministrationOption
    @Flag(help: "Also copy the outbox documents into the sales folder.") var includeSales = false

    func run() async throws {
        try await options.run(in: administration) { books, current in
            let onTerminal = isatty(STDERR_FILENO) == 1
            let result = try await books.receive(administration: current, includeSalesCopies: includeSales) { handled in
                // Progress on a terminal every document, otherwise every 100.
                if onTerminal {
                    FileHandle.standardError.write(Data("\rchecked \(handled) document(s)…".utf8))
                } else if handled % 100 == 0 {
                    FileHandle.standardError.write(Data("checked \(handled) document(s)\n".utf8))
                }
            }
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            struct Output: Encodable {
                var received: [PurchaseInvoice]
                var alreadyReceived: Int
                var statusesSet: Int
                var salesCopies: Int
                var notBooked: [Books.NotBooked]
            }
            var text = [
                "Received \(result.received.count) new purchase invoice(s)"
                    + (result.alreadyReceived > 0 ? ", \(result.alreadyReceived) already in the books" : "") + "."
            ]
            for invoice in result.received.prefix(20) {
                text.append(PurchaseCommand.line(invoice))
            }
            if result.received.count > 20 { text.append("  … and \(result.received.count - 20) more (books purchase list)") }
            for failure in result.notBooked {
                text.append("  not booked: \(failure.externalID): \(failure.reason) [\(failure.code)] (tried again next run)")
            }
            if includeSales { text.append("Copied \(result.salesCopies) outbox document(s) into the sales folder.") }
            try options.emit(
                Output(
                    received: result.received, alreadyReceived: result.alreadyReceived, statusesSet: result.statusesSet,
                    salesCopies: result.salesCopies, notBooked: result.notBooked),
                text: text.joined(separator: "\n"))
        }
    }
}

struct PurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchase", abstract: "Purchase invoices received from the platform.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the purchase invoices received.")
        @OptionGroup var options: BooksOptions
        @OptionGroup var administration: AdministrationOption

        func run() async throws {
            try await options.run(in: administration) { books, current in
                let invoices = try books.store.purchaseInvoices(administration: current.id)
                try options.emit(invoices, text: invoices.map(PurchaseCommand.line).joined(separator: "\n"))
            }
        }
    }

    static func line(_ invoice: PurchaseInvoice) -> String {
        "  \(invoice.issueDate)  \(invoice.supplierName)  \(invoice.number)  \(invoice.payableAmount) \(invoice.currency)"
            + "  \(invoice.verdict)  Delivery ID \(invoice.externalID)\n    \(invoice.ublPath)"
            + (invoice.sha256.map { "\n    SHA-256 \($0)" } ?? "")
            + (invoice.pdfPath.map { "\n    \($0)" } ?? "")
    }
}

func parseDate(_ text: String, _ option: String) throws -> LocalDate {
    guard let date = LocalDate(text), date.timeZone == nil else {
        throw BookkeepingError(.invalidDate, "\(option) '\(text)' is not a date (YYYY-MM-DD)")
    }
    return date
}
