#!/usr/bin/env ruby
# msgwire adapter for the Ruby xmlrpc gem (XMLRPC::Config::DEFAULT_PARSER, REXML stream parser:
# parseMethodCall / parseMethodResponse; XMLRPC::Create: methodCall / methodResponse; made with
# xmlrpc 0.3.2, Debian ruby-xmlrpc, on Ruby 3.1), mapped to and from the canonical XML-RPC form
# (docs/forms/xmlrpc.md). Profile: strict only (others are skipped).
#
# The gem's defaults are kept (Config::ENABLE_NIL_PARSER and ENABLE_NIL_CREATE are false, so
# <nil/> is rejected, as a default client or server does). What the API cannot express, the
# adapter reports as XMLRPC::Create would write it: an Integer is `i4` when it fits 32 bits
# (`i8` otherwise: the parser reads <i8>, the creator refuses to write it), every string (typed
# or untyped) is `string`, a struct is a Hash (duplicate names collapse, the last one wins), a
# dateTime is XMLRPC::DateTime (written back as YYYYMMDDTHH:MM:SS, an offset is applied to UTC),
# base64 is the decoded String (written back as [s].pack('m'), with its line breaks).
# Usage: xmlrpc_adapter.rb decode|encode xmlrpc, or serve.
require 'xmlrpc/parser'
require 'xmlrpc/create'
require 'xmlrpc/config'
require_relative 'contract'

module XmlrpcRubyAdapter
  R = MsgwireContract
  PROFILES = %w[strict].freeze
  Binary = Struct.new(:data) # a decoded base64 String, kept apart from strings

  # REXML takes a character reference to a surrogate (&#xD800;) and gives a string that is not
  # UTF-8: reported with U+FFFD, as any text, so the answer stays JSON.
  def self.utf8(s)
    s.dup.force_encoding('UTF-8').scrub
  end

  def self.canon(v)
    case v
    when true, false then { 'boolean' => v }
    when Integer then v >= -(2**31) && v < 2**31 ? { 'i4' => v } : { 'i8' => v }
    when Float
      return { 'double' => 'nan' } if v.nan?
      return { 'double' => v.positive? ? 'inf' : '-inf' } if v.infinite?

      { 'double' => v }
    when String
      if v.encoding == Encoding::BINARY && !v.valid_encoding?
        { 'base64' => [v].pack('m') }
      else
        { 'string' => utf8(v) }
      end
    when nil then { 'nil' => nil }
    when XMLRPC::DateTime then { 'dateTime.iso8601' => format('%.4d%02d%02dT%02d:%02d:%02d', *v.to_a) }
    when Hash then { 'struct' => v.map { |k, x| [utf8(k.to_s), canon(x)] } }
    when Array then { 'array' => v.map { |x| canon(x) } }
    else raise "unexpected value #{v.inspect}"
    end
  end

  def self.parser
    XMLRPC::Config::DEFAULT_PARSER.new
  end

  def self.decode(protocol, profile, data)
    raise R::Unsupported, 'the xmlrpc gem speaks XML-RPC only' unless protocol == 'xmlrpc'
    raise R::Unsupported, 'the xmlrpc gem is run under the strict profile only' unless PROFILES.include?(profile)

    text = data.dup.force_encoding('UTF-8')
    begin
      if text =~ /<\s*methodCall[\s>]/
        name, params = parser.parseMethodCall(text)
        [{ 'kind' => 'call', 'method' => utf8(name), 'params' => params.map { |x| canon(x) } }]
      else
        ok, v = parser.parseMethodResponse(text)
        if ok
          [{ 'kind' => 'response', 'params' => [canon(v)] }]
        else
          [{ 'kind' => 'fault', 'fault' => { 'struct' => [['faultCode', canon(v.faultCode)], ['faultString', canon(v.faultString)]] } }]
        end
      end
    rescue StandardError, REXML::ParseException => e # the gem's rejection
      raise R::Rejected.new("#{e.class}: #{e.message.lines.first}", kind: e.class.name)
    end
  end

  def self.value(doc)
    return doc if doc.is_a?(String)

    t, v = doc.first
    case t
    when 'int', 'i4', 'i8', 'ex:i1', 'ex:i2', 'ex:i8' then Integer(v)
    when 'boolean' then v
    when 'double', 'ex:float' then v.is_a?(String) ? Float(v.sub('inf', 'Infinity')) : v.to_f
    when 'string' then v
    when 'nil', 'ex:nil' then nil
    when 'dateTime.iso8601' then XMLRPC::Convert.dateTime(v)
    when 'base64' then XMLRPC::Base64.new(v.gsub(/\s+/, '').unpack1('m'))
    when 'array' then v.map { |x| value(x) }
    when 'struct'
      h = {}
      v.each do |k, x|
        raise 'the gem writes a struct from a Hash: a duplicate name cannot be written' if h.key?(k)

        h[k] = value(x)
      end
      h
    else raise "unknown tag #{t}"
    end
  end

  def self.encode(protocol, _profile, docs)
    raise R::Unsupported, 'the xmlrpc gem speaks XML-RPC only' unless protocol == 'xmlrpc'

    c = XMLRPC::Create.new
    docs.map do |d|
      case d['kind']
      when 'call' then c.methodCall(d['method'], *d['params'].map { |x| value(x) })
      when 'response'
        raise 'the gem writes a response of exactly one param' unless d['params'].length == 1

        c.methodResponse(true, value(d['params'][0]))
      when 'fault'
        f = value(d['fault'])
        c.methodResponse(false, XMLRPC::FaultException.new(f['faultCode'], f['faultString']))
      else raise "unknown kind #{d['kind']}"
      end
    end.join("\n").b
  rescue R::Unsupported
    raise
  rescue StandardError => e
    raise R::Rejected, "#{e.class}: #{e.message}"
  end
end

MsgwireContract.main(XmlrpcRubyAdapter)
