// Runs the consumer on the module path against the freshly installed netback-rx and checks its output.
def repo = localRepositoryPath
def version = projectVersion
def jar = new File(repo, "io/github/netbackrx/netback-rx/${version}/netback-rx-${version}.jar")
def slf4j = new File(repo, "org/slf4j/slf4j-api").listFiles().collect {
    new File(it, "slf4j-api-${it.name}.jar") }.find { it.exists() }
assert jar.exists() : "the installed artifact is missing: ${jar}"
assert slf4j != null : "slf4j-api is missing from ${repo}"
def java = new File(System.getProperty("java.home"), "bin/java").path
def modulePath = [new File(basedir, "target/classes"), jar, slf4j].join(File.pathSeparator)
def process = [java, "-p", modulePath, "-m",
               "io.github.netbackrx.consumer/io.github.netbackrx.consumer.ConsumerMain"].execute()
def out = new StringBuilder()
def err = new StringBuilder()
process.waitForProcessOutput(out, err)
println out
println err
assert process.exitValue() == 0 : "the consumer exited ${process.exitValue()}"
def text = out.toString()
assert text.contains("library module: io.github.netbackrx")
assert text.contains("consumer module: io.github.netbackrx.consumer")
assert text.contains("packet 0 len=154 estimate=1 slots=1")
assert text.contains("parsed head=2+66 frag=0+4096 gso=1448/tcpv4 csum=partial estimate 3")
assert text =~ /workload mixed: \d+ policies x 1000 packets, \d+ slots, 0 findings/
["2010", "3.13", "3.14", "rx.c", "freebsd"].each { profile ->
    def m = text =~ /simulate ${java.util.regex.Pattern.quote(profile)}: 200 sent, (\d+) received, (\d+) byte-identical, \d+ dropped, \d+ copy ops, \d+ hypercalls\n/
    assert m.find() : "no clean simulation for ${profile}"
    assert m.group(1) == m.group(2) && (m.group(1) as int) >= 190 : "delivered bytes differ under ${profile}: ${m.group(0)}"
}
assert text.contains("host: 8 guests, 2 groups, ") && text.contains(" hypercalls, 8 guests verified")
assert text.contains("scenario: OK, ") && text.contains("last notify irq=0")
return true
