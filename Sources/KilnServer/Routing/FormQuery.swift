import KilnWire

/// A request's query string as decoded parameters.
struct FormQuery {
    let parameters: [String: String]

    init(_ rawQuery: String) {
        parameters = FormInput(Array(rawQuery.utf8)).parameters
    }

    subscript(name: String) -> String? { parameters[name] }
}
