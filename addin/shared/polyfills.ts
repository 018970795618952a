/**
 * Builtins newer than ES2016 that the add-in's code uses, for classic Outlook's older JavaScript runtime.
 * Keep this list in step with the code: the launchevent test runs the bundle with these removed.
 */
import 'core-js/actual/object/entries';
import 'core-js/actual/array/flat-map';
