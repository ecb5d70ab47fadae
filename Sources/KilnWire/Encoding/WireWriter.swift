import Foundation

/// Writes a response body for one protocol: XML for EC2 and AWS query, JSON for the JSON
/// protocols.
///
/// Generated shapes describe themselves with ``member(_:_:)`` and ``list(_:member:_:)``;
/// the writer decides how a member, a list or a timestamp looks on its wire. Writers append
/// to one growing buffer, so a response is encoded without building an intermediate tree.
public protocol WireWriter: AnyObject {
    /// Opens a member, or a list entry when `name` is the list's entry name.
    func openMember(_ name: String)
    /// Closes what ``openMember(_:)`` opened.
    func closeMember(_ name: String)
    /// Opens the content of a structure.
    func openStructure()
    /// Closes the content of a structure.
    func closeStructure()
    /// Opens a list's entries.
    func openList()
    /// Closes a list's entries.
    func closeList()
    /// Opens the content of a map.
    func openMap()
    /// Closes the content of a map.
    func closeMap()
    /// Writes the value of a string member.
    func text(_ value: String)
    /// Writes the value of a numeric member, already formatted.
    func number(_ value: String)
    /// Writes the value of a boolean member.
    func boolean(_ value: Bool)
    /// Writes the value of a timestamp member.
    func timestamp(_ value: Date)
    /// Whether list entries are wrapped in an element of their own (XML) or not (JSON).
    var wrapsListEntries: Bool { get }
}

extension WireWriter {
    /// Writes member `name` when `value` is present.
    public func member<Value: WireEncodable>(_ name: String, _ value: Value?) {
        guard let value else { return }
        openMember(name)
        value.encode(to: self)
        closeMember(name)
    }

    /// Writes list member `name` when `values` is present; `member` names each entry in XML.
    public func list<Element: WireEncodable>(_ name: String, member entryName: String, _ values: [Element]?) {
        guard let values else { return }
        openMember(name)
        openList()
        for value in values {
            if wrapsListEntries { openMember(entryName) }
            value.encode(to: self)
            if wrapsListEntries { closeMember(entryName) }
        }
        closeList()
        closeMember(name)
    }

    /// Writes map member `name` when `values` is present, in key order so that output is stable.
    public func map<Value: WireEncodable>(
        _ name: String,
        entry entryName: String = "entry",
        key keyName: String = "key",
        value valueName: String = "value",
        _ values: [String: Value]?
    ) {
        guard let values else { return }
        openMember(name)
        openMap()
        for key in values.keys.sorted() {
            guard let value = values[key] else { continue }
            if wrapsListEntries {
                openMember(entryName)
                member(keyName, key)
                member(valueName, value)
                closeMember(entryName)
            } else {
                openMember(key)
                value.encode(to: self)
                closeMember(key)
            }
        }
        closeMap()
        closeMember(name)
    }
}

/// A generated structure.
///
/// Fronts hold outputs as `any WireStructureEncodable`; calling the generic `encode(to:)`
/// through the existential would run unspecialised generic code for every member. The two
/// concrete requirements below are witnessed, per type, by code compiled for that type and
/// writer, so a response is written by specialised code all the way down.
public protocol WireStructureEncodable: WireEncodable {
    /// Writes each present member.
    func encodeMembers<Writer: WireWriter>(to writer: Writer)
    /// Writes each present member as XML.
    func encodeMembers(toXML writer: XMLWriter)
    /// Writes each present member as JSON.
    func encodeMembers(toJSON writer: JSONWriter)
}

extension WireStructureEncodable {
    public func encode<Writer: WireWriter>(to writer: Writer) {
        writer.openStructure()
        encodeMembers(to: writer)
        writer.closeStructure()
    }

    public func encodeMembers(toXML writer: XMLWriter) { encodeMembers(to: writer) }

    public func encodeMembers(toJSON writer: JSONWriter) { encodeMembers(to: writer) }

    /// The structure as XML, through its specialised witness.
    public func encode(toXML writer: XMLWriter) {
        writer.openStructure()
        encodeMembers(toXML: writer)
        writer.closeStructure()
    }

    /// The structure as JSON, through its specialised witness.
    public func encode(toJSON writer: JSONWriter) {
        writer.openStructure()
        encodeMembers(toJSON: writer)
        writer.closeStructure()
    }
}
