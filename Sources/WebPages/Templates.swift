import Mustache

extension MustacheLibrary {
    /// A library of fixed templates by name; a template that does not parse stops the program at
    /// once (they are texts of this program, and a test renders each one).
    public init(fixed templates: [String: String]) {
        self.init()
        for (name, text) in templates {
            do {
                try register(text, named: name)
            } catch {
                preconditionFailure("template \(name): \(error)")
            }
        }
    }
}
