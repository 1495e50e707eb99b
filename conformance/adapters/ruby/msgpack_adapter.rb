#!/usr/bin/env ruby
# msgwire adapter for the Ruby msgpack gem (MessagePack::Factory unpacker/packer; made with
# msgpack-ruby 1.4.2, Debian ruby-msgpack), mapped to and from the canonical MessagePack(-RPC)
# form (docs/forms/msgpack-rpc.md).
#
# Profiles: `value` (bare values) and `strict` (each value read as a MessagePack-RPC message; the
# gem has no RPC layer: the adapter checks the message shape). Other profiles: skipped.
# The factory registers MessagePack::Timestamp for ext -1 and reads other exts as
# ExtensionValue (allow_unknown_ext). A str is a UTF-8 String and a bin an ASCII-8BIT String,
# so the two stay apart. What the API cannot express: a float 32 is a Float (reported float64,
# the packer writes float64); a Hash keeps insertion order but collapses duplicate keys (the last
# one wins); the gem does not check that a str is UTF-8: such a String is reported in the form's
# lenient spelling {"string": {"hex": ...}}. Unpacker#each stops quietly at the end of the input,
# also inside a value: the adapter tells the two apart with a probe (see decode).
# Usage: msgpack_adapter.rb decode|encode msgpack-rpc, or serve.
require 'msgpack'
require_relative 'contract'

module MsgpackRubyAdapter
  R = MsgwireContract
  SAFE_INT = (1 << 53) - 1
  VALUE_PROFILES = %w[value].freeze
  MESSAGE_PROFILES = %w[strict].freeze
  FACTORY = MessagePack::Factory.new
  FACTORY.register_type(-1, MessagePack::Timestamp,
                        packer: :to_msgpack_ext, unpacker: MessagePack::Timestamp.method(:from_msgpack_ext))

  def self.float_doc(v)
    return { 'float64' => 'NaN' } if v.nan?
    return { 'float64' => v.positive? ? 'Infinity' : '-Infinity' } if v.infinite?

    { 'float64' => v }
  end

  def self.canon(v)
    case v
    when nil then { 'nil' => nil }
    when true, false then { 'bool' => v }
    when Integer then v.abs <= SAFE_INT ? { 'number' => v } : { 'bignum' => v.to_s }
    when Float then float_doc(v)
    when String
      if v.encoding == Encoding::BINARY
        { 'binary' => v.unpack1('H*') }
      elsif v.valid_encoding?
        { 'string' => v }
      else
        { 'string' => { 'hex' => v.b.unpack1('H*') } }
      end
    when Array then { 'array' => v.map { |x| canon(x) } }
    when Hash then { 'map' => v.map { |k, x| [canon(k), canon(x)] } }
    when MessagePack::Timestamp then { 'timestamp' => [v.sec, v.nsec] }
    when MessagePack::ExtensionValue then { 'ext' => [v.type, v.payload.unpack1('H*')] }
    else raise "unexpected value #{v.inspect}"
    end
  end

  def self.method_doc(m)
    raise ArgumentError, 'method is not a string' unless m.is_a?(String)
    return { 'binary' => m.unpack1('H*') } if m.encoding == Encoding::BINARY

    m.valid_encoding? ? m : { 'hex' => m.b.unpack1('H*') }
  end

  def self.uint32?(x)
    x.is_a?(Integer) && x >= 0 && x < (1 << 32)
  end

  def self.message(v)
    raise ArgumentError, 'a message is an array' unless v.is_a?(Array) && !v.empty?

    t = v[0]
    if t == 0 && t.is_a?(Integer) && v.length == 4 && uint32?(v[1]) && v[3].is_a?(Array)
      return { 'kind' => 'request', 'msgid' => v[1], 'method' => method_doc(v[2]), 'params' => v[3].map { |p| canon(p) } }
    end
    if t == 1 && t.is_a?(Integer) && v.length == 4 && uint32?(v[1])
      return { 'kind' => 'response', 'msgid' => v[1], 'error' => canon(v[2]), 'result' => canon(v[3]) }
    end
    if t == 2 && t.is_a?(Integer) && v.length == 3 && v[2].is_a?(Array)
      return { 'kind' => 'notification', 'method' => method_doc(v[1]), 'params' => v[2].map { |p| canon(p) } }
    end

    raise ArgumentError, 'not a request, response or notification'
  end

  def self.decode(protocol, profile, data)
    raise R::Unsupported, 'msgpack-ruby speaks MessagePack only' unless protocol == 'msgpack-rpc'
    raise R::Unsupported, "profile #{profile}" unless (VALUE_PROFILES + MESSAGE_PROFILES).include?(profile)

    u = FACTORY.unpacker(allow_unknown_ext: true)
    u.feed(data)
    docs = []
    begin
      u.each do |v|
        begin
          docs << (VALUE_PROFILES.include?(profile) ? canon(v) : message(v))
        rescue ArgumentError => e
          raise R::Rejected.new(e.message, kind: 'not-a-message', docs: docs)
        end
      end
    rescue R::Rejected
      raise
    rescue StandardError => e # the gem's rejection (MalformedFormatError, ...)
      raise R::Rejected.new("#{e.class}: #{e.message}", kind: e.class.name, docs: docs)
    end
    # each stops at the end of the input, also inside a value (whose header the unpacker has
    # already taken from its buffer). A probe tells the two apart: fed one nil (c0), a clean
    # unpacker reads exactly nil; one inside a value reads more, or something other than nil.
    u.feed("\xc0".b)
    clean = begin
      u.read.nil? && u.buffer.empty?
    rescue EOFError, StandardError
      false
    end
    raise R::Rejected.new('the input ends inside a value', kind: 'truncated', docs: docs) unless clean

    docs
  end

  def self.from_hex(s)
    [s.delete("- \n\t")].pack('H*')
  end

  def self.float_of(x)
    return x.to_f unless x.is_a?(String)

    { 'NaN' => Float::NAN, 'Infinity' => Float::INFINITY, '-Infinity' => -Float::INFINITY }.fetch(x)
  end

  def self.value(doc)
    t, v = doc.first
    case t
    when 'nil' then nil
    when 'bool', 'number' then v
    when 'bignum' then Integer(v)
    when 'float32', 'float64' then float_of(v)
    when 'string' then v.is_a?(Hash) ? from_hex(v['hex']).force_encoding('UTF-8') : v
    when 'binary' then from_hex(v)
    when 'array' then v.map { |x| value(x) }
    when 'map'
      h = {}
      v.each do |k, x|
        key = value(k)
        raise 'the gem packs a Hash: a duplicate key cannot be written' if h.key?(key)

        h[key] = value(x)
      end
      h
    when 'ext' then MessagePack::ExtensionValue.new(v[0], from_hex(v[1]))
    when 'timestamp' then MessagePack::Timestamp.new(v[0], v[1])
    else raise "unknown tag #{t}"
    end
  end

  def self.method_value(m)
    return from_hex(m['binary']) if m.is_a?(Hash) && m.key?('binary')
    return from_hex(m['hex']).force_encoding('UTF-8') if m.is_a?(Hash) && m.key?('hex')

    m
  end

  def self.encode(protocol, _profile, docs)
    raise R::Unsupported, 'msgpack-ruby speaks MessagePack only' unless protocol == 'msgpack-rpc'

    pk = FACTORY.packer
    docs.each do |d|
      obj = case d['kind']
            when 'request' then [0, d['msgid'], method_value(d['method']), d['params'].map { |x| value(x) }]
            when 'response' then [1, d['msgid'], value(d['error']), value(d['result'])]
            when 'notification' then [2, method_value(d['method']), d['params'].map { |x| value(x) }]
            else value(d)
            end
      pk.write(obj)
    end
    pk.to_s
  rescue R::Unsupported
    raise
  rescue StandardError => e
    raise R::Rejected, "#{e.class}: #{e.message}"
  end
end

MsgwireContract.main(MsgpackRubyAdapter)
