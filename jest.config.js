// Unit specs live beside the code (src/); e2e specs against a real database in test/.
const swc = ['@swc/jest', { ...JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8')), swcrc: false }];
module.exports = {
  testEnvironment: '<rootDir>/test/support/ort-environment.js',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/migrations/**/*.spec.ts'],
  testTimeout: 60000,
};
