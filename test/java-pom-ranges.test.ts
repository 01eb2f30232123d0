/**
 * The POM step of `package:java` (projenrc/java-pom-ranges.ts) on a POM as jsii-pacmak writes it;
 * test/packages/package-minimums.test.ts checks the real one in dist/java.
 */
import { mavenRange, peerRanges, pomWithRanges } from '../projenrc/java-pom-ranges';

const POM = `<project>
  <dependencies>
    <dependency>
      <groupId>software.amazon.awscdk</groupId>
      <artifactId>aws-cdk-lib</artifactId>
      <version>2.263.0</version>
    </dependency>
    <dependency>
      <groupId>software.constructs</groupId>
      <artifactId>constructs</artifactId>
      <version>10.8.1</version>
    </dependency>
    <dependency>
      <groupId>software.amazon.jsii</groupId>
      <artifactId>jsii-runtime</artifactId>
      <version>1.140.0</version>
    </dependency>
  </dependencies>
</project>`;

const ASSEMBLY = {
  dependencyClosure: {
    'aws-cdk-lib': { targets: { java: { maven: { groupId: 'software.amazon.awscdk', artifactId: 'aws-cdk-lib' } } } },
    'constructs': { targets: { java: { maven: { groupId: 'software.constructs', artifactId: 'constructs' } } } },
  },
};

test('a caret range becomes the Maven range up to the next major', () => {
  expect(mavenRange('^2.93.0')).toBe('[2.93.0,3.0.0)');
  expect(mavenRange('^10.0.5')).toBe('[10.0.5,11.0.0)');
  expect(() => mavenRange('>=2.93.0')).toThrow(/expected \^X\.Y\.Z/);
});

test('the peer dependencies replace the versions jsii-pacmak resolved, and nothing else', () => {
  // GIVEN
  const ranges = peerRanges({ peerDependencies: { 'aws-cdk-lib': '^2.93.0', 'constructs': '^10.0.5' } }, ASSEMBLY);

  // WHEN
  const pom = pomWithRanges(POM, ranges);

  // THEN
  expect(pom).toContain('<artifactId>aws-cdk-lib</artifactId>\n      <version>[2.93.0,3.0.0)</version>');
  expect(pom).toContain('<artifactId>constructs</artifactId>\n      <version>[10.0.5,11.0.0)</version>');
  expect(pom).toContain('<artifactId>jsii-runtime</artifactId>\n      <version>1.140.0</version>');
  expect(pom.replace(/\[2\.93\.0,3\.0\.0\)/, '2.263.0').replace(/\[10\.0\.5,11\.0\.0\)/, '10.8.1')).toBe(POM);
});

test('a peer dependency missing from the POM or the assembly fails the package step', () => {
  expect(() => pomWithRanges(POM, [{ groupId: 'software.amazon.awscdk', artifactId: 'aws-cdk-lib-alpha', range: '[1.0.0,2.0.0)' }]))
    .toThrow(/Expected one <dependency> software\.amazon\.awscdk:aws-cdk-lib-alpha in the POM, found 0/);
  expect(() => peerRanges({ peerDependencies: { 'cdk-nag': '^2.0.0' } }, ASSEMBLY))
    .toThrow(/names no Maven coordinates for the peer dependency cdk-nag/);
});
