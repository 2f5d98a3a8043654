import { jvmOptions } from './jvm-options';

describe('jvmOptions', () => {
  it("keeps the heap, collector and compiler options of a broker's command line, in order", () => {
    const command =
      'java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ' +
      '-Dlog4j2.configurationFile=/x/log4j2.xml -cp /libs/* kafka.Kafka /data/server.properties ';
    expect(jvmOptions(command)).toBe('-Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1');
  });

  it('says when the JVM runs with its defaults', () => {
    expect(jvmOptions('java -cp /libs/* kafka.Kafka server.properties')).toBe('the JVM defaults');
  });

  it('leaves out system properties and a class path that only look alike', () => {
    expect(jvmOptions('java -Dx=-XX:+UseG1GC -cp -Xmx/libs/* -XX: kafka.Kafka')).toBe('the JVM defaults');
  });
});
