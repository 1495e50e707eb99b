# The msgwire adapter contract (conformance/README.md) for Ruby adapters.
#
# An adapter defines decode(protocol, profile, bytes) -> documents (raise Rejected when the peer
# rejects the input, Unsupported for a protocol/profile it does not handle) and
# encode(protocol, profile, docs) -> String (bytes), then calls MsgwireContract.main(self).
# main handles `decode|encode <protocol>` (one-shot) and `serve` (persistent).
# Written for msgwire; no code copied from the peers.
require 'json'

module MsgwireContract
  EXIT_REJECTED = 1
  EXIT_CRASH = 2
  EXIT_UNSUPPORTED = 3

  class Rejected < StandardError
    attr_reader :kind, :code, :docs

    def initialize(message, kind: nil, code: nil, docs: [])
      super(message)
      @kind = kind
      @code = code
      @docs = docs
    end

    def error
      e = { 'message' => message.dup.force_encoding('UTF-8').scrub }
      e['kind'] = kind unless kind.nil?
      e['code'] = code unless code.nil?
      e
    end
  end

  class Unsupported < StandardError; end

  def self.dumps(doc)
    JSON.generate(doc)
  end

  def self.answer(req, adapter)
    profile = req['profile'] || 'strict'
    case req['op']
    when 'decode'
      { 'docs' => adapter.decode(req['protocol'], profile, [req['input']].pack('H*')) }
    when 'encode'
      { 'output' => adapter.encode(req['protocol'], profile, req['docs']).unpack1('H*') }
    else
      { 'crash' => "unknown op #{req['op']}" }
    end
  rescue Unsupported => e
    { 'unsupported' => e.message }
  rescue Rejected => e
    { 'docs' => e.docs, 'error' => e.error }
  end

  def self.main(adapter)
    args = ARGV
    $stdout.binmode
    if args == ['serve']
      $stdin.each_line do |line|
        next if line.strip.empty?
        out = begin
          dumps(answer(JSON.parse(line), adapter))
        rescue StandardError => e # an adapter bug: the runner reports a crash
          dumps({ 'crash' => "#{e.class}: #{e.message}".scrub })
        end
        $stdout.write(out + "\n")
        $stdout.flush
      end
      return
    end
    unless args.length == 2 && %w[decode encode].include?(args[0])
      warn "usage: #{$PROGRAM_NAME} decode|encode <protocol> | serve"
      exit EXIT_CRASH
    end
    op, protocol = args
    profile = ENV['MSGWIRE_PROFILE'] || 'strict'
    data = $stdin.binmode.read
    begin
      if op == 'decode'
        adapter.decode(protocol, profile, data).each { |d| $stdout.write(dumps(d) + "\n") }
      else
        docs = data.force_encoding('UTF-8').each_line.reject { |l| l.strip.empty? }.map { |l| JSON.parse(l) }
        $stdout.write(adapter.encode(protocol, profile, docs))
      end
    rescue Unsupported => e
      warn "unsupported: #{e.message}"
      exit EXIT_UNSUPPORTED
    rescue Rejected => e
      e.docs.each { |d| $stdout.write(dumps(d) + "\n") }
      $stdout.write(dumps({ 'error' => e.error }) + "\n")
      $stdout.flush
      exit EXIT_REJECTED
    rescue StandardError => e
      warn "#{e.class}: #{e.message}\n#{e.backtrace.first(5).join("\n")}"
      exit EXIT_CRASH
    end
  end
end
