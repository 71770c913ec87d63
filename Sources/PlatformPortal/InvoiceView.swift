import EInvoice

/// An invoice or credit note laid out for people, as the template shows it: the same content as
/// the PDF (parties, references, lines, VAT breakdown, totals), in the visitor's language.
enum InvoiceView {
    static func fields(_ invoice: Invoice, _ words: InvoiceWords) -> [String: Any] {
        let currency = invoice.documentCurrencyCode
        let isCredit = invoice.kind == .creditNote || invoice.typeCode == "381"
        func money(_ value: DecimalNumber?) -> String { value.map { words.amount($0, currency: currency) } ?? "" }
        func money(_ amount: Amount?) -> String { money(amount?.value) }

        var facts: [[String: String]] = [["label": words.label(.issueDate), "value": words.date(invoice.issueDate)]]
        if let due = invoice.dueDate { facts.append(["label": words.label(isCredit ? .date : .dueDate), "value": words.date(due)]) }
        if let reference = invoice.buyerReference { facts.append(["label": words.label(.yourReference), "value": reference]) }
        if let order = invoice.orderReference?.id { facts.append(["label": words.label(.order), "value": order]) }
        if let contract = invoice.contractReference { facts.append(["label": words.label(.contract), "value": contract]) }
        if let project = invoice.projectReference { facts.append(["label": words.label(.project), "value": project]) }
        for preceding in invoice.precedingInvoices { facts.append(["label": words.label(.precedingInvoice), "value": preceding.id]) }
        if let period = invoice.invoicePeriod, let start = period.startDate, let end = period.endDate {
            facts.append(["label": words.label(.period), "value": "\(words.date(start)) \(words.label(.through)) \(words.date(end))"])
        }
        for note in invoice.notes { facts.append(["label": words.label(.note), "value": note]) }
        for means in invoice.paymentMeans {
            if let account = means.payeeFinancialAccount?.id { facts.append(["label": words.label(.payTo), "value": account]) }
            if let reference = means.paymentID { facts.append(["label": words.label(.paymentReference), "value": reference]) }
        }

        let lines = invoice.lines.map { line -> [String: String] in
            [
                "description": [line.item.name, line.item.description].compactMap { $0 }.joined(separator: " — "),
                "quantity": line.quantity.map { words.number($0.value) } ?? "", "unit": words.unit(line.quantity?.unitCode),
                "price": money(line.price?.priceAmount.value), "vat": words.vatCategory(line.item.taxCategory),
                "amount": money(line.lineExtensionAmount?.value),
            ]
        }
        let vat = (invoice.vatTotal?.subtotals ?? []).map { subtotal -> [String: String] in
            [
                "category": words.vatCategory(subtotal.category), "taxable": money(subtotal.taxableAmount?.value),
                "amount": money(subtotal.taxAmount.value),
            ]
        }
        let totals = invoice.totals
        var totalRows: [[String: String]] = [["label": words.label(.lineTotal), "value": money(totals.lineExtensionAmount)]]
        if let allowances = totals.allowanceTotalAmount { totalRows.append(["label": words.label(.allowances), "value": money(allowances)]) }
        if let charges = totals.chargeTotalAmount { totalRows.append(["label": words.label(.charges), "value": money(charges)]) }
        totalRows.append(["label": words.label(.totalExclVAT), "value": money(totals.taxExclusiveAmount)])
        totalRows.append(["label": words.label(.vatShort), "value": money(invoice.vatTotal?.taxAmount.value)])
        totalRows.append(["label": words.label(.totalInclVAT), "value": money(totals.taxInclusiveAmount)])
        if let prepaid = totals.prepaidAmount { totalRows.append(["label": words.label(.prepaid), "value": money(prepaid)]) }
        totalRows.append(["label": words.label(isCredit ? .toReceive : .toPay), "value": money(totals.payableAmount)])

        return [
            "title": words.label(isCredit ? .creditNote : .invoice), "number": invoice.id, "isCredit": isCredit,
            "seller": partyLines(invoice.seller, words), "buyer": partyLines(invoice.buyer, words), "facts": facts, "lines": lines, "vat": vat,
            "totals": totalRows,
        ]
    }

    /// Name, address, labelled identifiers and contact, a line each.
    static func partyLines(_ party: Party, _ words: InvoiceWords) -> [String] {
        var lines = [party.displayName ?? ""].filter { !$0.isEmpty }
        if let address = party.postalAddress {
            lines += [address.streetName, address.additionalStreetName, address.addressLine].compactMap { $0 }
            let place = [address.postalZone, address.cityName].compactMap { $0 }.joined(separator: " ")
            if !place.isEmpty { lines.append(place) }
            if let country = address.countryCode, country != "NL" { lines.append(country) }
        }
        if let company = party.legalEntity?.companyID { lines.append(words.identifier(company)) }
        if let vat = party.vatIdentifier { lines.append("\(words.label(.vatNumber)) \(vat)") }
        if let contact = party.contact {
            lines += [contact.name, contact.telephone, contact.electronicMail].compactMap { $0 }
        }
        return lines
    }
}
