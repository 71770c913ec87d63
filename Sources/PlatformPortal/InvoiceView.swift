import EInvoice

/// An invoice or credit note laid out for people, as the template shows it: the same content as
/// the PDF (parties, references, lines, VAT breakdown, totals), in Dutch.
enum InvoiceView {
    static func fields(_ invoice: Invoice) -> [String: Any] {
        let currency = invoice.documentCurrencyCode
        let isCredit = invoice.kind == .creditNote || invoice.typeCode == "381"
        func money(_ value: DecimalNumber?) -> String { value.map { DutchText.amount($0, currency: currency) } ?? "" }
        func money(_ amount: Amount?) -> String { money(amount?.value) }

        var facts: [[String: String]] = [["label": "Factuurdatum", "value": DutchText.date(invoice.issueDate)]]
        if let due = invoice.dueDate { facts.append(["label": isCredit ? "Datum" : "Vervaldatum", "value": DutchText.date(due)]) }
        if let reference = invoice.buyerReference { facts.append(["label": "Uw referentie", "value": reference]) }
        if let order = invoice.orderReference?.id { facts.append(["label": "Ordernummer", "value": order]) }
        if let contract = invoice.contractReference { facts.append(["label": "Contract", "value": contract]) }
        if let project = invoice.projectReference { facts.append(["label": "Project", "value": project]) }
        for preceding in invoice.precedingInvoices { facts.append(["label": "Factuur waarop dit betrekking heeft", "value": preceding.id]) }
        if let period = invoice.invoicePeriod, let start = period.startDate, let end = period.endDate {
            facts.append(["label": "Periode", "value": "\(DutchText.date(start)) t/m \(DutchText.date(end))"])
        }
        for note in invoice.notes { facts.append(["label": "Opmerking", "value": note]) }
        for means in invoice.paymentMeans {
            if let account = means.payeeFinancialAccount?.id { facts.append(["label": "Betalen op rekening", "value": account]) }
            if let reference = means.paymentID { facts.append(["label": "Betalingskenmerk", "value": reference]) }
        }

        let lines = invoice.lines.map { line -> [String: String] in
            [
                "description": [line.item.name, line.item.description].compactMap { $0 }.joined(separator: " — "),
                "quantity": line.quantity.map { DutchText.number($0.value) } ?? "", "unit": DutchText.unit(line.quantity?.unitCode),
                "price": money(line.price?.priceAmount.value), "vat": DutchText.vatCategory(line.item.taxCategory),
                "amount": money(line.lineExtensionAmount?.value),
            ]
        }
        let vat = (invoice.vatTotal?.subtotals ?? []).map { subtotal -> [String: String] in
            [
                "category": DutchText.vatCategory(subtotal.category), "taxable": money(subtotal.taxableAmount?.value),
                "amount": money(subtotal.taxAmount.value),
            ]
        }
        let totals = invoice.totals
        var totalRows: [[String: String]] = [["label": "Totaal regels", "value": money(totals.lineExtensionAmount)]]
        if let allowances = totals.allowanceTotalAmount { totalRows.append(["label": "Kortingen", "value": money(allowances)]) }
        if let charges = totals.chargeTotalAmount { totalRows.append(["label": "Toeslagen", "value": money(charges)]) }
        totalRows.append(["label": "Totaal excl. btw", "value": money(totals.taxExclusiveAmount)])
        totalRows.append(["label": "Btw", "value": money(invoice.vatTotal?.taxAmount.value)])
        totalRows.append(["label": "Totaal incl. btw", "value": money(totals.taxInclusiveAmount)])
        if let prepaid = totals.prepaidAmount { totalRows.append(["label": "Al betaald", "value": money(prepaid)]) }
        totalRows.append(["label": isCredit ? "Te ontvangen" : "Te betalen", "value": money(totals.payableAmount)])

        return [
            "title": isCredit ? "Creditnota" : "Factuur", "number": invoice.id, "isCredit": isCredit,
            "seller": partyLines(invoice.seller), "buyer": partyLines(invoice.buyer), "facts": facts, "lines": lines, "vat": vat,
            "totals": totalRows,
        ]
    }

    /// Name, address, labelled identifiers and contact, a line each.
    static func partyLines(_ party: Party) -> [String] {
        var lines = [party.displayName ?? ""].filter { !$0.isEmpty }
        if let address = party.postalAddress {
            lines += [address.streetName, address.additionalStreetName, address.addressLine].compactMap { $0 }
            let place = [address.postalZone, address.cityName].compactMap { $0 }.joined(separator: " ")
            if !place.isEmpty { lines.append(place) }
            if let country = address.countryCode, country != "NL" { lines.append(country) }
        }
        if let company = party.legalEntity?.companyID { lines.append(label(company)) }
        if let vat = party.vatIdentifier { lines.append("Btw-nummer \(vat)") }
        if let contact = party.contact {
            lines += [contact.name, contact.telephone, contact.electronicMail].compactMap { $0 }
        }
        return lines
    }

    static func label(_ identifier: Identifier) -> String {
        switch identifier.schemeID {
        case "0106": "KvK \(identifier.value)"
        case "0190": "OIN \(identifier.value)"
        case "0208": "KBO \(identifier.value)"
        case "0088": "GLN \(identifier.value)"
        default: identifier.value
        }
    }
}
