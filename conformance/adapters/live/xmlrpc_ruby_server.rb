# An XML-RPC server for `msgwire check xmlrpc-server`, built on the Ruby xmlrpc gem's
# XMLRPC::Server (which we did not write; Debian ruby-xmlrpc on WEBrick, ruby-webrick): `echo`
# (returns its params as an array) and the eight validator1 methods; the gem's introspection and
# multicall are switched on (add_introspection, add_multicall), as its documentation shows.
#
#   ruby xmlrpc_ruby_server.rb PORT        # http://127.0.0.1:PORT/RPC2 (any path)
#
# Loopback only; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
require 'xmlrpc/server'

port = Integer(ARGV.fetch(0))
lifetime = Integer(ENV.fetch('MSGWIRE_LIVE_LIFETIME', '600'))
Thread.new do
  sleep lifetime
  exit!(0)
end

s = XMLRPC::Server.new(port, '127.0.0.1', 4, $stderr)
sum3 = ->(h) { h['moe'] + h['larry'] + h['curly'] }
s.add_handler('echo') { |*params| params }
s.add_handler('validator1.arrayOfStructsTest') { |a| a.sum { |h| h['curly'] } }
s.add_handler('validator1.countTheEntities') do |str|
  { 'ctLeftAngleBrackets' => str.count('<'), 'ctRightAngleBrackets' => str.count('>'),
    'ctAmpersands' => str.count('&'), 'ctApostrophes' => str.count("'"), 'ctQuotes' => str.count('"') }
end
s.add_handler('validator1.easyStructTest') { |h| sum3.call(h) }
s.add_handler('validator1.echoStructTest') { |h| h }
s.add_handler('validator1.manyTypesTest') { |*params| params }
s.add_handler('validator1.moderateSizeArrayCheck') { |a| a.first + a.last }
s.add_handler('validator1.nestedStructTest') { |h| sum3.call(h['2000']['04']['01']) }
s.add_handler('validator1.simpleStructReturnTest') { |n| { 'times10' => n * 10, 'times100' => n * 100, 'times1000' => n * 1000 } }
s.add_introspection
s.add_multicall
$stdout.puts "xmlrpc gem (Ruby #{RUBY_VERSION}) listening on http://127.0.0.1:#{port}/RPC2"
$stdout.flush
s.serve
