<?php
// Render {"cases": [{"template", "item"}]} from stdin with the real Twig 3; print one JSON line:
// [{"output": ...} | {"error": ...}, ...]. A PHP warning or notice (an array printed as
// "Array", a non-numeric string in arithmetic) counts as an error, as it does for us;
// deprecations do not. Usage: php twig_render.php [path/to/Twig/autoload.php] < cases.json
$autoload = $argv[1] ?? '/usr/share/php/Twig/autoload.php';
require $autoload;
date_default_timezone_set('UTC');
set_error_handler(function ($severity, $message) {
    if ($severity & (E_DEPRECATED | E_USER_DEPRECATED)) {
        return true;
    }
    throw new \ErrorException($message, 0, $severity);
});

$twig = new \Twig\Environment(new \Twig\Loader\ArrayLoader([]), [
    'strict_variables' => false,
    'autoescape' => false,
    'cache' => false,
]);
$input = json_decode(stream_get_contents(STDIN), true);
$results = [];
foreach ($input['cases'] as $case) {
    try {
        $output = $twig->createTemplate($case['template'])->render(['item' => $case['item']]);
        $results[] = mb_check_encoding($output, 'UTF-8')
            ? ['output' => $output]
            : ['error' => 'the output is not valid UTF-8'];
    } catch (\Throwable $error) {
        $results[] = ['error' => get_class($error) . ': ' . $error->getMessage()];
    }
}
echo json_encode($results, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
